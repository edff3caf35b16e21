// @ts-check
/** Building the page: elements from tag, attributes and children; text is never parsed as HTML. */

/**
 * @typedef {string | number | boolean | undefined | null} AttributeValue
 * @typedef {Node | string | number | null | undefined | false} Child
 */

/**
 * An element. Attributes starting with `on` are event listeners; `false`, `null` and `undefined`
 * attributes and children are left out.
 * @param {string} tag
 * @param {Record<string, AttributeValue | ((event: Event) => void)>} [attributes]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export const h = (tag, attributes = {}, ...children) => {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (value === true) element.setAttribute(name, '')
    else if (value !== false && value !== null && value !== undefined)
      element.setAttribute(name, String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    element.append(typeof child === 'object' ? child : String(child))
  }
  return element
}

/**
 * Replaces the content of `parent`.
 * @param {Element} parent
 * @param {...(Child | Child[])} children
 */
export const replace = (parent, ...children) => {
  parent.replaceChildren()
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    parent.append(typeof child === 'object' ? child : String(child))
  }
}

/**
 * A state badge.
 * @param {string} state
 * @param {boolean} [paused]
 */
export const stateBadge = (state, paused = false) =>
  h(
    'span',
    { class: 'states' },
    h('span', { class: `badge state-${state === '?' ? 'unreadable' : state}` }, state),
    paused ? h('span', { class: 'badge paused' }, 'paused') : null,
  )
