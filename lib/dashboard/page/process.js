// @ts-check
/**
 * The process page: its state and status, the buttons (pause, play, kill) and the forms (signal,
 * resume), its outline with the current position, what it waits for and what its inbox keeps,
 * its result or error, inputs, outputs and context as
 * trees, its children and its history. State changes of it or of its children, broadcast by
 * the workers, redraw the page in place.
 * @typedef {import('../wire.js').DetailJson} DetailJson
 */
import { controlProcess, onStateChange, processDetail } from './api.js'
import { h, replace, stateBadge } from './dom.js'
import { formatTime } from './format.js'
import { jsonTree } from './json-tree.js'
import { inboxList, resumeForm, signalForm } from './message-forms.js'
import {
  childrenTree,
  historyTimeline,
  outlineDiagram,
  processLink,
  waitingList,
} from './process-parts.js'

const TERMINAL = ['FINISHED', 'EXCEPTED', 'KILLED']
/** How long live updates wait to gather changes before reloading. */
const RELOAD_MS = 250

/**
 * Shows process `pid` in `view`; returns a function that stops its updates.
 * @param {HTMLElement} view
 * @param {string} pid
 */
export const showProcess = (view, pid) => {
  const header = h('div', { class: 'process-header' })
  const controls = h('div', { class: 'controls' })
  const result = h('p', { class: 'control-result', id: 'control-result', role: 'status' })
  const body = h('div', { class: 'process-body' })
  /** Pids whose changes redraw this page: the process and its children. */
  let watched = new Set([pid])
  let loads = 0

  const load = async () => {
    const mine = ++loads
    try {
      const detail = await processDetail(pid)
      if (mine !== loads) return
      watched = new Set([pid, ...pidsOf(detail.children)])
      render(detail)
      view.dataset['loaded'] = String(mine)
    } catch (e) {
      replace(body, h('p', { class: 'error' }, e instanceof Error ? e.message : String(e)))
    }
  }

  const act = async (
    /** @type {import('./message-forms.js').Action} */ action,
    /** @type {Record<string, unknown>} */ request = {},
  ) => {
    result.className = 'control-result busy'
    result.textContent = `${action}…`
    try {
      const answer = await controlProcess(pid, action, request)
      result.className = `control-result ${answer.ok ? 'ok' : 'refused'}`
      result.textContent = answer.message
    } catch (e) {
      result.className = 'control-result refused'
      result.textContent = e instanceof Error ? e.message : String(e)
    }
    // The answer may come before the broadcasts it causes: read the process again.
    await load()
  }

  /** Shows why a form did not send what it holds. */
  const refuse = (/** @type {string} */ text) => {
    result.className = 'control-result refused'
    result.textContent = text
  }
  // Made once, so that live redraws keep what is typed in them.
  const signal = signalForm(act, refuse)
  const resume = resumeForm(act, refuse)
  // Redraws replace the buttons only: an input taken out of the page and put back loses the
  // focus, and with it what is being typed.
  const buttons = h('span', { class: 'buttons' })
  controls.append(
    buttons,
    h('span', { class: 'signal-form' }, ...signal),
    h('span', { class: 'signal-form' }, ...resume),
  )

  const render = (/** @type {DetailJson} */ detail) => {
    const { row } = detail
    replace(
      header,
      h(
        'h1',
        {},
        h(
          'span',
          { class: 'muted' },
          `${row.definition}${row.version === undefined ? '' : `@${row.version}`} `,
        ),
        h('span', { class: 'pid' }, row.pid),
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'state'),
        h('dd', { id: 'state' }, stateBadge(row.state, row.paused)),
        h('dt', {}, 'status'),
        h('dd', { id: 'status' }, row.status ?? '–'),
        row.parent === undefined
          ? null
          : [h('dt', {}, 'parent'), h('dd', {}, processLink(row.parent))],
        h('dt', {}, 'created'),
        h('dd', {}, formatTime(row.created)),
        h('dt', {}, 'modified'),
        h('dd', {}, formatTime(row.modified)),
      ),
    )
    const live = !TERMINAL.includes(row.state)
    const off = !detail.controllable || !live
    const why = !detail.controllable
      ? 'start the dashboard with --broker to control processes'
      : live
        ? ''
        : 'it has terminated'
    replace(
      buttons,
      h(
        'button',
        {
          type: 'button',
          id: 'pause',
          disabled: off || row.paused,
          title: why,
          onclick: () => act('pause'),
        },
        'Pause',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'play',
          disabled: off || !row.paused,
          title: why,
          onclick: () => act('play'),
        },
        'Play',
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'kill',
          class: 'danger',
          disabled: off,
          title: why,
          onclick: () => {
            if (confirm(`Kill ${pid}?`)) void act('kill')
          },
        },
        'Kill',
      ),
    )
    for (const element of [...signal, ...resume]) {
      element.toggleAttribute('disabled', off)
      element.title = why
    }
    replace(
      body,
      section('Outline', outlineDiagram(detail.diagram, detail.position)),
      detail.waiting === undefined ? null : section('Waits for', waitingList(detail.waiting)),
      detail.inbox === undefined ? null : section('Inbox', inboxList(detail.inbox)),
      detail.error === undefined
        ? null
        : section(
            'Error',
            h(
              'div',
              { id: 'error', class: 'error-box' },
              h('p', {}, h('strong', {}, detail.error.name), `: ${detail.error.message}`),
              detail.error.stack === undefined
                ? null
                : h('pre', { class: 'stack' }, detail.error.stack),
            ),
          ),
      detail.killed === undefined
        ? null
        : section('Killed', h('p', {}, detail.killed.message ?? '(no message)')),
      detail.result === undefined
        ? null
        : section(
            'Result',
            h(
              'p',
              {},
              detail.result.successful ? 'successful' : 'unsuccessful',
              `, exit status ${detail.result.exitStatus}`,
              detail.result.exitMessage === undefined ? '' : `: ${detail.result.exitMessage}`,
            ),
            jsonTree(detail.result.value),
          ),
      h(
        'div',
        { class: 'columns' },
        section('Inputs', jsonTree(detail.inputs)),
        section('Outputs', jsonTree(detail.outputs)),
      ),
      section('Context', h('div', { id: 'ctx' }, jsonTree(detail.ctx))),
      section(
        'Children',
        detail.children.length === 0
          ? h('p', { class: 'muted' }, 'None.')
          : h('div', { id: 'children' }, childrenTree(detail.children, detail.moreChildren)),
      ),
      section(
        'History',
        detail.history === undefined
          ? h('p', { class: 'muted' }, 'This store keeps no history.')
          : h(
              'div',
              {},
              detail.earlierHistory === true
                ? h(
                    'p',
                    { class: 'muted', id: 'earlier-history' },
                    `The newest ${detail.history.length} entries; \`plumpy-ts report ${detail.row.pid}\` prints them all.`,
                  )
                : null,
              historyTimeline(detail.history),
            ),
      ),
    )
  }

  replace(view, header, controls, result, body)
  void load()

  // Live reloads one at a time: on a slow store, changes that come meanwhile make one more.
  let busy = false
  let again = false
  const reload = async () => {
    if (busy) {
      again = true
      return
    }
    busy = true
    try {
      await load()
    } finally {
      busy = false
      if (again) {
        again = false
        void reload()
      }
    }
  }
  let timer = /** @type {number | undefined} */ (undefined)
  const stop = onStateChange((change) => {
    if (!watched.has(change.pid)) return
    timer ??= window.setTimeout(() => {
      timer = undefined
      void reload()
    }, RELOAD_MS)
  })
  return () => {
    stop()
    if (timer !== undefined) clearTimeout(timer)
  }
}

/**
 * @param {string} title
 * @param {...(Node | null)} content
 */
const section = (title, ...content) =>
  h('section', { 'data-section': title.toLowerCase() }, h('h2', {}, title), ...content)

/**
 * Every pid of a children tree.
 * @param {readonly import('../wire.js').ChildJson[]} children
 * @returns {string[]}
 */
const pidsOf = (children) => children.flatMap((child) => [child.pid, ...pidsOf(child.children)])
