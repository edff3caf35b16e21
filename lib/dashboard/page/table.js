// @ts-check
/**
 * The process table: counts per state (click one to filter), filters, the rows of one page
 * (asked of the server: it pages and filters with the store's indexed queries), and a pager.
 * The filters live in the address (`#/?state=WAITING&q=abc&offset=50`), so a view can be shared
 * and the back button works.
 */
import { listProcesses, onStateChange } from './api.js'
import { h, replace, stateBadge } from './dom.js'
import { filtersForm } from './filters.js'
import { formatAgo, formatCount, formatTime } from './format.js'

const STATES = ['CREATED', 'RUNNING', 'WAITING', 'FINISHED', 'EXCEPTED', 'KILLED']
/** How often, at most, live updates reload the table. */
const RELOAD_MS = 1000

/**
 * Shows the table in `view`, filtered by `params`; returns a function that stops its updates.
 * @param {HTMLElement} view
 * @param {URLSearchParams} params
 */
export const showTable = (view, params) => {
  const counts = h('div', { class: 'counts', id: 'counts' })
  const body = h('tbody')
  const pager = h('div', { class: 'pager', id: 'pager' })
  const error = h('p', { class: 'error', id: 'table-error', hidden: true })
  let loading = 0

  const load = async () => {
    const mine = ++loading
    try {
      const page = await listProcesses(params)
      if (mine !== loading) return
      error.hidden = true
      renderCounts(page)
      renderRows(page)
      renderPager(page)
      view.dataset['loaded'] = String(mine)
    } catch (e) {
      error.hidden = false
      error.textContent = e instanceof Error ? e.message : String(e)
    }
  }

  /** Changes the filters (offset back to 0 unless given) and reloads. */
  const update = (/** @type {Record<string, string | undefined>} */ changes) => {
    if (!('offset' in changes)) params.delete('offset')
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined || value === '') params.delete(name)
      else params.set(name, value)
    }
    history.replaceState(null, '', `#/?${params}`)
    void load()
  }

  const renderCounts = (/** @type {import('./api.js').ListJson} */ page) => {
    const chosen = params.get('state') ?? ''
    const all = STATES.reduce(
      (sum, state) => sum + (page.counts[/** @type {never} */ (state)] ?? 0),
      0,
    )
    const chip = (
      /** @type {string} */ label,
      /** @type {number} */ n,
      /** @type {string} */ state,
    ) =>
      h(
        'button',
        {
          type: 'button',
          class: `chip ${state === '' ? 'all' : `state-${state}`}${chosen === state ? ' chosen' : ''}`,
          'data-state': state || 'ALL',
          onclick: () => update({ state }),
        },
        h('span', { class: 'chip-label' }, label),
        h('span', { class: 'chip-count' }, formatCount(n)),
      )
    replace(
      counts,
      chip('all', all, ''),
      STATES.map((state) => chip(state, page.counts[/** @type {never} */ (state)] ?? 0, state)),
    )
  }

  const renderRows = (/** @type {import('./api.js').ListJson} */ page) => {
    const now = Date.now()
    if (page.rows.length === 0) {
      replace(
        body,
        h('tr', {}, h('td', { colspan: 6, class: 'muted empty' }, 'No process matches.')),
      )
      return
    }
    replace(
      body,
      page.rows.map((row) =>
        h(
          'tr',
          { 'data-pid': row.pid },
          h(
            'td',
            { class: 'pid' },
            h('a', { href: `#/process/${encodeURIComponent(row.pid)}` }, row.pid),
          ),
          h(
            'td',
            {},
            row.definition,
            row.version === undefined ? null : h('span', { class: 'muted' }, `@${row.version}`),
            row.parent === undefined
              ? null
              : h('span', { class: 'tag', title: `child of ${row.parent}` }, 'child'),
          ),
          h('td', {}, stateBadge(row.state, row.paused)),
          h('td', { class: 'status' }, row.unreadable ?? row.status ?? ''),
          h('td', { title: formatTime(row.created) }, formatAgo(row.created, now)),
          h('td', { title: formatTime(row.modified) }, formatAgo(row.modified, now)),
        ),
      ),
    )
  }

  const renderPager = (/** @type {import('./api.js').ListJson} */ page) => {
    const { offset, limit, total } = page
    const last = Math.min(offset + page.rows.length, total)
    replace(
      pager,
      h(
        'button',
        {
          type: 'button',
          id: 'previous',
          disabled: offset === 0,
          onclick: () => update({ offset: String(Math.max(0, offset - limit)) }),
        },
        '‹ previous',
      ),
      h(
        'span',
        { id: 'range' },
        total === 0
          ? 'none'
          : `${formatCount(offset + 1)}–${formatCount(last)} of ${formatCount(total)}`,
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'next',
          disabled: last >= total,
          onclick: () => update({ offset: String(offset + limit) }),
        },
        'next ›',
      ),
    )
  }

  replace(
    view,
    h('h1', {}, 'Processes'),
    counts,
    filtersForm(params, update),
    error,
    table(body, params),
    pager,
  )
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
  const stop = onStateChange(() => {
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
 * The table, whose time headers sort.
 * @param {HTMLElement} body
 * @param {URLSearchParams} params
 */
const table = (body, params) => {
  const sort = params.get('sort') ?? 'created'
  const order = params.get('order') ?? 'desc'
  const timeHeader = (/** @type {string} */ column, /** @type {string} */ label) => {
    const active = sort === column
    const arrow = active ? (order === 'desc' ? ' ↓' : ' ↑') : ''
    return h(
      'th',
      {},
      h(
        'button',
        {
          type: 'button',
          class: `sort${active ? ' active' : ''}`,
          id: `sort-${column}`,
          title: 'sort by this time',
          // A new address: the view is drawn again, its arrows with it.
          onclick: () => {
            params.set('sort', column)
            params.set('order', active && order === 'desc' ? 'asc' : 'desc')
            params.delete('offset')
            location.hash = `#/?${params}`
          },
        },
        label + arrow,
      ),
    )
  }
  return h(
    'table',
    { id: 'processes' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'pid'),
        h('th', {}, 'definition'),
        h('th', {}, 'state'),
        h('th', {}, 'status'),
        timeHeader('created', 'created'),
        timeHeader('modified', 'modified'),
      ),
    ),
    body,
  )
}
