// @ts-check
/** JSON as a collapsible tree: objects and arrays fold (`<details>`), the first levels open. */
import { h } from './dom.js'

/** Levels open at first. */
const OPEN_LEVELS = 2
/** Items shown per object or array before "… n more". */
const MAX_ITEMS = 200

/**
 * The tree of `value`.
 * @param {unknown} value
 * @returns {HTMLElement}
 */
export const jsonTree = (value) => h('div', { class: 'json' }, node(value, 0))

/**
 * @param {unknown} value
 * @param {number} depth
 * @returns {HTMLElement}
 */
const node = (value, depth) => {
  if (value === null) return h('span', { class: 'j-null' }, 'null')
  if (value === undefined) return h('span', { class: 'j-null' }, 'undefined')
  switch (typeof value) {
    case 'string':
      return h('span', { class: 'j-string' }, JSON.stringify(value))
    case 'number':
    case 'bigint':
      return h('span', { class: 'j-number' }, String(value))
    case 'boolean':
      return h('span', { class: 'j-boolean' }, String(value))
    case 'object':
      return branch(/** @type {object} */ (value), depth)
    default:
      return h('span', {}, String(value))
  }
}

/**
 * @param {object} value
 * @param {number} depth
 */
const branch = (value, depth) => {
  const isArray = Array.isArray(value)
  const entries = Object.entries(value)
  const [open, close] = isArray ? ['[', ']'] : ['{', '}']
  if (entries.length === 0) return h('span', { class: 'j-empty' }, `${open}${close}`)
  const size = isArray ? `${entries.length} items` : `${entries.length} keys`
  const shown = entries.slice(0, MAX_ITEMS)
  return h(
    'details',
    { class: 'j-branch', open: depth < OPEN_LEVELS },
    h(
      'summary',
      {},
      h('span', { class: 'j-brace' }, open),
      h('span', { class: 'j-size' }, ` ${size} `),
      h('span', { class: 'j-brace' }, close),
    ),
    h(
      'ul',
      {},
      shown.map(([key, item]) =>
        h(
          'li',
          {},
          h('span', { class: isArray ? 'j-index' : 'j-key' }, isArray ? key : JSON.stringify(key)),
          ': ',
          node(item, depth + 1),
        ),
      ),
      entries.length > MAX_ITEMS
        ? h('li', { class: 'muted' }, `… ${entries.length - MAX_ITEMS} more`)
        : null,
    ),
  )
}
