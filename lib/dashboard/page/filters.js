// @ts-check
/** The table's filters: text in pid or status, definition, roots only, paused, page size. */
import { h } from './dom.js'

/**
 * The filters: definition, text, roots only, paused, page size.
 * @param {URLSearchParams} params
 * @param {(changes: Record<string, string | undefined>) => void} update
 */
export const filtersForm = (params, update) => {
  /** @type {number | undefined} */
  let typing
  const text = (/** @type {string} */ name, /** @type {string} */ placeholder) =>
    h('input', {
      type: 'search',
      name,
      id: `filter-${name}`,
      placeholder,
      value: params.get(name) ?? '',
      oninput: (event) => {
        clearTimeout(typing)
        const value = /** @type {HTMLInputElement} */ (event.target).value.trim()
        typing = window.setTimeout(() => update({ [name]: value }), 300)
      },
    })
  const select = (/** @type {string} */ name, /** @type {[string, string][]} */ options) =>
    h(
      'select',
      {
        name,
        id: `filter-${name}`,
        onchange: (event) =>
          update({ [name]: /** @type {HTMLSelectElement} */ (event.target).value }),
      },
      options.map(([value, label]) =>
        h('option', { value, selected: (params.get(name) ?? '') === value }, label),
      ),
    )
  return h(
    'form',
    { class: 'filters', onsubmit: (event) => event.preventDefault() },
    h('label', {}, 'search ', text('q', 'pid or status contains…')),
    h('label', {}, 'definition ', text('definition', 'Name or Name@2')),
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        id: 'filter-roots',
        checked: params.get('roots') === '1',
        onchange: (event) =>
          update({
            roots: /** @type {HTMLInputElement} */ (event.target).checked ? '1' : undefined,
          }),
      }),
      ' roots only',
    ),
    h(
      'label',
      {},
      'paused ',
      select('paused', [
        ['', 'any'],
        ['1', 'paused'],
        ['0', 'not paused'],
      ]),
    ),
    h(
      'label',
      {},
      'per page ',
      select('limit', [
        ['', '50'],
        ['20', '20'],
        ['100', '100'],
        ['500', '500'],
      ]),
    ),
  )
}
