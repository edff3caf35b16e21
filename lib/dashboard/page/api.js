// @ts-check
/**
 * The dashboard's JSON API, as the page calls it.
 * @typedef {import('../wire.js').ListJson} ListJson
 * @typedef {import('../wire.js').DetailJson} DetailJson
 * @typedef {import('../wire.js').ControlJson} ControlJson
 * @typedef {import('../wire.js').StateChangeJson} StateChangeJson
 * @typedef {import('../wire.js').PauseChangeJson} PauseChangeJson
 */

/**
 * GET a JSON document; rejects with the server's error message.
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
const get = async (path) => {
  const response = await fetch(path, { headers: { accept: 'application/json' } })
  const body = await response.json()
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`)
  return body
}

/**
 * A page of the table.
 * @param {URLSearchParams} params
 * @returns {Promise<ListJson>}
 */
export const listProcesses = (params) => get(`/api/processes?${params}`)

/**
 * One process in detail.
 * @param {string} pid
 * @returns {Promise<DetailJson>}
 */
export const processDetail = (pid) => get(`/api/processes/${encodeURIComponent(pid)}`)

/** @returns {Promise<{ live: boolean, controllable: boolean }>} */
export const info = () => get('/api/info')

/**
 * Pause, play, kill, send a signal (`body`: its `name` and JSON `payload`), or resume (`body`:
 * its JSON `value`, or none).
 * @param {string} pid
 * @param {'pause' | 'play' | 'kill' | 'signal' | 'resume'} action
 * @param {{ message?: string, force?: boolean, name?: string, payload?: unknown, value?: unknown }} [body]
 * @returns {Promise<ControlJson>}
 */
export const controlProcess = async (pid, action, body = {}) => {
  const response = await fetch(`/api/processes/${encodeURIComponent(pid)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const answer = await response.json()
  if (!response.ok) throw new Error(answer.error ?? `${response.status} ${response.statusText}`)
  return answer
}

/** @type {Set<(change: StateChangeJson | PauseChangeJson) => void>} */
const listeners = new Set()

/**
 * Follows the state changes, pauses and plays the workers broadcast; returns a function that
 * stops following.
 * @param {(change: StateChangeJson | PauseChangeJson) => void} listener
 */
export const onStateChange = (listener) => {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/**
 * Opens the event stream (once), and shows whether it is connected in `indicator`.
 * @param {HTMLElement} indicator
 */
export const connectLive = (indicator) => {
  const events = new EventSource('/api/events')
  const show = (/** @type {boolean} */ on) => {
    indicator.className = `live ${on ? 'on' : 'off'}`
    indicator.textContent = on ? 'live' : 'reconnecting…'
  }
  events.addEventListener('open', () => show(true))
  events.addEventListener('error', () => show(false))
  // A pause or a play changes what the page shows as a state change does.
  for (const kind of ['state', 'paused'])
    events.addEventListener(kind, (event) => {
      const change = JSON.parse(/** @type {MessageEvent<string>} */ (event).data)
      for (const listener of listeners) listener(change)
    })
}
