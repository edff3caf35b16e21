/**
 * The dashboard's HTTP server (node:http): the page, and its JSON API.
 *
 * | route                                    | answer                                          |
 * | ---------------------------------------- | ----------------------------------------------- |
 * | `GET /`, `GET /assets/<file>`            | the page                                        |
 * | `GET /api/info`                          | `{ live, controllable }`                        |
 * | `GET /api/processes?state=…&q=…`         | a page of the table (`ListJson`, see query.ts)  |
 * | `GET /api/processes/<pid>`               | one process in detail (`DetailJson`)            |
 * | `POST /api/processes/<pid>/<action>`     | a control: pause … resume (`ControlJson`)       |
 * | `GET /api/events`                        | state changes as server-sent events             |
 *
 * Changes (POST) are taken only from the dashboard's own page: a JSON body, and an `Origin`
 * naming this server, so that another site open in the same browser cannot send them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { RemoteProcessController } from '../comms/controller.js'
import { pidProblem } from '../runtime/pid.js'
import { serveAsset } from './assets.js'
import { CONTROL_ACTIONS, control, type ControlAction } from './control.js'
import { detailOf, rowJson, type DetailSources } from './detail.js'
import type { LiveUpdates } from './live.js'
import { routeOf, type DashboardObserver } from './observer.js'
import { BadParameterError, queryOf } from './query.js'
import type { ErrorJson, ListJson } from './wire.js'

/** What the server serves from. */
export interface DashboardHandlerOptions extends DetailSources {
  /** Pause, play and kill go through it; none: the buttons are off. */
  readonly controller: RemoteProcessController | undefined
  /** State changes for the pages; none: no live updates. */
  readonly live: LiveUpdates | undefined
  /** How long a pause, play or kill waits for the worker's answer. */
  readonly controlTimeoutMs: number
  /** Where the page's files are (default: the package's). */
  readonly pageDirectory?: string
  /** Told of requests that failed on the server's side. */
  readonly onError: (error: unknown) => void
  /** Told of every request answered and every control sent (metrics). */
  readonly observer?: DashboardObserver
}

/** An HTTP server answering the dashboard's routes (not listening yet). */
export const createDashboardServer = (options: DashboardHandlerOptions): Server =>
  createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://dashboard')
    let parts: string[]
    try {
      parts = url.pathname
        .split('/')
        .filter((part) => part !== '')
        .map(decodeURIComponent)
    } catch (_) {
      return sendJson(response, 400, { error: `a path that is not URI-encoded: ${url.pathname}` })
    }
    const { observer } = options
    if (observer !== undefined) {
      const started = performance.now()
      const route = routeOf(request.method ?? 'GET', parts)
      response.once('close', () =>
        observer.requestAnswered(route, response.statusCode, (performance.now() - started) / 1000),
      )
    }
    handle(options, { request, response, url, parts }).catch((error: unknown) => {
      options.onError(error)
      if (!response.headersSent) sendJson(response, 500, { error: messageOf(error) })
      else response.end()
    })
  })

const handle = async (
  options: DashboardHandlerOptions,
  exchange: {
    readonly request: IncomingMessage
    readonly response: ServerResponse
    readonly url: URL
    readonly parts: readonly string[]
  },
): Promise<void> => {
  const { request, response, url, parts } = exchange
  const method = request.method ?? 'GET'
  if (method === 'POST') return post(options, request, response, parts)
  if (method !== 'GET' && method !== 'HEAD')
    return sendJson(response, 405, { error: `${method} is not answered here` })
  const [first, second, third] = parts
  if (parts.length === 0) return asset(options, response, 'index.html')
  if (first === 'assets' && second !== undefined && parts.length === 2)
    return asset(options, response, second)
  if (first !== 'api') return sendJson(response, 404, { error: `no page ${url.pathname}` })
  if (second === 'info' && parts.length === 2)
    return sendJson(response, 200, {
      live: options.live !== undefined,
      controllable: options.controller !== undefined,
    })
  if (second === 'events' && parts.length === 2) {
    if (options.live === undefined)
      return sendJson(response, 404, { error: 'no live updates: the dashboard has no --broker' })
    return options.live.add(response)
  }
  if (second === 'processes' && parts.length === 2) return list(options, response, url)
  if (second === 'processes' && third !== undefined && parts.length === 3) {
    const problem = pidProblem(third)
    if (problem !== undefined) return sendJson(response, 400, { error: `pid: ${problem}` })
    const detail = await detailOf(options, third)
    if (detail === undefined)
      return sendJson(response, 404, { error: `no process ${third} in the store` })
    return sendJson(response, 200, detail)
  }
  return sendJson(response, 404, { error: `no API ${url.pathname}` })
}

const list = async (
  options: DashboardHandlerOptions,
  response: ServerResponse,
  url: URL,
): Promise<void> => {
  let query
  try {
    query = queryOf(url.searchParams)
  } catch (error) {
    if (error instanceof BadParameterError) return sendJson(response, 400, { error: error.message })
    throw error
  }
  const { states: _states, sort: _sort, order: _order, limit, offset, ...filter } = query
  const [page, counts] = await Promise.all([
    options.store.listProcesses(query),
    options.store.countByState(filter),
  ])
  const body: ListJson = {
    rows: page.rows.map(rowJson),
    total: page.total,
    offset: offset ?? 0,
    limit: limit ?? page.rows.length,
    counts,
  }
  return sendJson(response, 200, body)
}

const post = async (
  options: DashboardHandlerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  parts: readonly string[],
): Promise<void> => {
  const [api, processes, pid, action] = parts
  if (api !== 'api' || processes !== 'processes' || pid === undefined || parts.length !== 4)
    return sendJson(response, 404, { error: 'no such action' })
  if (!CONTROL_ACTIONS.includes(action as ControlAction))
    return sendJson(response, 404, {
      error: `no action '${action}': pause, play, kill, signal or resume`,
    })
  const refused = foreignRequest(request)
  if (refused !== undefined) return sendJson(response, 403, { error: refused })
  const problem = pidProblem(pid)
  if (problem !== undefined) return sendJson(response, 400, { error: `pid: ${problem}` })
  if (options.controller === undefined)
    return sendJson(response, 409, { error: 'the dashboard has no --broker: it cannot control' })
  const body = await readJson(request)
  if (typeof body === 'string') return sendJson(response, 400, { error: body })
  const message = typeof body['message'] === 'string' ? body['message'] : undefined
  const name = body['name']
  if (action === 'signal' && (typeof name !== 'string' || name.trim() === ''))
    return sendJson(response, 400, { error: 'name: a signal is sent by its name' })
  const answer = await control(
    options.controller,
    {
      action: action as ControlAction,
      pid,
      ...(message === undefined || message === '' ? {} : { message }),
      force: body['force'] === true,
      ...(action === 'signal'
        ? { signal: { name: String(name).trim(), payload: body['payload'] ?? null } }
        : {}),
      // A resume without a value is `{}`: `value: null` resumes with null, as the CLI's `null`.
      ...(action === 'resume' ? { resume: 'value' in body ? { value: body['value'] } : {} } : {}),
    },
    options.controlTimeoutMs,
  )
  options.observer?.controlAnswered(answer.action, answer.ok)
  return sendJson(response, 200, answer)
}

/** Why a change request does not come from this dashboard's page, or undefined when it does. */
const foreignRequest = (request: IncomingMessage): string | undefined => {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
    return 'changes are sent as application/json'
  const origin = request.headers.origin
  if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`)
    return `changes are taken from the dashboard's own page, not from ${origin}`
  return undefined
}

const MAX_BODY = 16 * 1024

/** The request's JSON object, or why it is not one. */
const readJson = async (request: IncomingMessage): Promise<Record<string, unknown> | string> => {
  let text = ''
  for await (const chunk of request) {
    text += String(chunk)
    if (text.length > MAX_BODY) return `body: more than ${MAX_BODY} bytes`
  }
  if (text.trim() === '') return {}
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>
    return 'body: not a JSON object'
  } catch (error) {
    return `body: not JSON (${messageOf(error)})`
  }
}

const asset = async (
  options: DashboardHandlerOptions,
  response: ServerResponse,
  name: string,
): Promise<void> => {
  if (!(await serveAsset(response, name, options.pageDirectory)))
    sendJson(response, 404, { error: `no file ${name}` })
}

const sendJson = (response: ServerResponse, status: number, body: unknown | ErrorJson): void => {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  response.end(text)
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)
