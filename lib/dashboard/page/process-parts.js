// @ts-check
/**
 * Parts of the process page: the children tree, the history timeline, what it waits for, and
 * the outline drawing.
 * @typedef {import('../wire.js').ChildJson} ChildJson
 * @typedef {import('../wire.js').HistoryJson} HistoryJson
 * @typedef {import('../wire.js').DetailJson} DetailJson
 */
import { h, stateBadge } from './dom.js'
import { formatDuration, formatTime } from './format.js'

/**
 * @param {string} pid
 * @param {string} [text]
 */
export const processLink = (pid, text = pid) =>
  h('a', { href: `#/process/${encodeURIComponent(pid)}`, class: 'pid' }, text)

/**
 * The children, as a tree.
 * @param {readonly ChildJson[]} children
 * @param {number | undefined} more
 * @returns {HTMLElement}
 */
export const childrenTree = (children, more) =>
  h(
    'ul',
    { class: 'tree' },
    children.map((child) =>
      h(
        'li',
        { 'data-pid': child.pid },
        processLink(child.pid),
        ' ',
        h('span', { class: 'muted' }, child.definition),
        ' ',
        stateBadge(child.state, child.paused),
        child.status === undefined ? null : h('span', { class: 'status' }, ` ${child.status}`),
        child.children.length > 0 || child.more !== undefined
          ? childrenTree(child.children, child.more)
          : null,
      ),
    ),
    more === undefined ? null : h('li', { class: 'muted' }, `… ${more} more`),
  )

/**
 * The history: one row per transition, pause or play, with its time and how long the state
 * left lasted; a bar shows that duration against the longest.
 * @param {readonly HistoryJson[]} history
 * @returns {HTMLElement}
 */
export const historyTimeline = (history) => {
  if (history.length === 0) return h('p', { class: 'muted' }, 'Nothing recorded yet.')
  const longest = Math.max(1, ...history.map((entry) => entry.durationMs ?? 0))
  const first = history[0]?.at ?? 0
  return h(
    'table',
    { class: 'history', id: 'history' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['time', '+', 'what', 'step', 'time in state left', 'status'].map((title) =>
          h('th', {}, title),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      history.map((entry) =>
        h(
          'tr',
          { class: `kind-${entry.kind}` },
          h('td', { class: 'time' }, formatTime(entry.at)),
          h('td', { class: 'muted' }, `+${formatDuration(entry.at - first)}`),
          h('td', {}, describeEntry(entry)),
          h('td', {}, entry.step ?? ''),
          h(
            'td',
            { class: 'duration' },
            h('span', {
              class: 'bar',
              style: `width:${Math.round((100 * (entry.durationMs ?? 0)) / longest)}%`,
            }),
            h('span', {}, formatDuration(entry.durationMs)),
          ),
          h('td', { class: 'status' }, entry.status ?? ''),
        ),
      ),
    ),
  )
}

/** @param {HistoryJson} entry */
const describeEntry = (entry) => {
  switch (entry.kind) {
    case 'paused':
      return h('span', {}, 'paused in ', stateBadge(entry.to))
    case 'played':
      return h('span', {}, 'played in ', stateBadge(entry.to))
    case 'transition':
      return h(
        'span',
        {},
        entry.from === null ? '' : stateBadge(entry.from),
        entry.from === null ? 'created ' : ' → ',
        stateBadge(entry.to),
      )
  }
}

/**
 * What a WAITING process waits for.
 * @param {NonNullable<DetailJson['waiting']>} waiting
 */
export const waitingList = (waiting) =>
  h(
    'div',
    { id: 'waiting' },
    waiting.message === undefined ? null : h('p', {}, waiting.message),
    waiting.waits.length === 0
      ? h('p', { class: 'muted' }, 'Every awaited result is in: it resumes next.')
      : h(
          'ul',
          {},
          waiting.waits.map((wait) =>
            h('li', {}, wait.child === undefined ? wait.text : processLink(wait.child, wait.text)),
          ),
        ),
  )

/**
 * The outline, drawn by the server (its SVG is made from escaped text only), with its
 * Mermaid source to copy.
 * @param {DetailJson['diagram']} diagram
 * @param {string | undefined} position
 */
export const outlineDiagram = (diagram, position) => {
  if (diagram._tag === 'Unavailable')
    return h(
      'div',
      { id: 'diagram' },
      position === undefined ? null : h('p', {}, 'at ', h('code', {}, position)),
      h('p', { class: 'muted' }, diagram.reason),
    )
  const drawing = h('div', { class: 'drawing' })
  drawing.innerHTML = diagram.svg
  return h(
    'div',
    { id: 'diagram' },
    position === undefined
      ? null
      : h(
          'p',
          {},
          'at ',
          h('code', { id: 'position' }, position),
          diagram.highlighted ? h('span', { class: 'muted' }, ' (highlighted)') : null,
        ),
    diagram.warning === undefined ? null : h('p', { class: 'warning' }, diagram.warning),
    drawing,
    h('details', {}, h('summary', {}, 'Mermaid'), h('pre', {}, diagram.mermaid)),
  )
}
