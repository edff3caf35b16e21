// @ts-check
/**
 * The dashboard page: `#/?<filters>` is the table, `#/process/<pid>` a process. The live
 * updates stream is opened once, when the server has a broker.
 */
import { connectLive, info } from './api.js'
import { h, replace } from './dom.js'
import { showProcess } from './process.js'
import { showTable } from './table.js'

const view = /** @type {HTMLElement} */ (document.getElementById('view'))
const indicator = /** @type {HTMLElement} */ (document.getElementById('live'))

/** Stops the updates of the view shown. */
let leave = () => {}

const route = () => {
  leave()
  delete view.dataset['loaded']
  const hash = location.hash.replace(/^#/, '') || '/'
  const process = /^\/process\/([^/?]+)$/.exec(hash)
  if (process !== null) {
    leave = showProcess(view, decodeURIComponent(process[1] ?? ''))
    return
  }
  const [path, query = ''] = hash.split('?', 2)
  if (path === '/' || path === '') {
    leave = showTable(view, new URLSearchParams(query))
    return
  }
  leave = () => {}
  replace(
    view,
    h('p', { class: 'error' }, `No page ${hash}.`),
    h('a', { href: '#/' }, 'The processes'),
  )
}

window.addEventListener('hashchange', route)
route()

info().then(
  (server) => {
    if (server.live) connectLive(indicator)
    else indicator.textContent = 'not live (no --broker)'
  },
  () => {
    indicator.textContent = 'server unreachable'
  },
)
