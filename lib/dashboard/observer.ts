/**
 * What the dashboard tells about its work as it answers, for metrics: kept apart from
 * `metrics.ts` so that a dashboard without metrics never loads prom-client.
 */
import type { DashboardStore } from './store.js'

/** The routes, as metrics label them. */
export type RequestRoute =
  | 'page'
  | 'asset'
  | 'info'
  | 'events'
  | 'list'
  | 'detail'
  | 'control'
  | 'unknown'

/** Told of every answered request and every control sent. */
export interface DashboardObserver {
  /** A request was answered with `status` after `seconds` (an event stream: when it ended). */
  requestAnswered(route: RequestRoute, status: number, seconds: number): void
  /** A pause, play or kill was answered (`ok`: done, or to be done after the running step). */
  controlAnswered(action: string, ok: boolean): void
  /** Where gauges read what they show, once the dashboard runs. */
  observe?(sources: { readonly store: DashboardStore; readonly livePages: () => number }): void
}

/** The route of a request's path parts, as metrics label it. */
export const routeOf = (method: string, parts: readonly string[]): RequestRoute => {
  const [first, second, third] = parts
  if (parts.length === 0) return 'page'
  if (first === 'assets') return 'asset'
  if (first !== 'api') return 'unknown'
  if (method === 'POST') return 'control'
  if (second === 'info') return 'info'
  if (second === 'events') return 'events'
  if (second === 'processes') return third === undefined ? 'list' : 'detail'
  return 'unknown'
}
