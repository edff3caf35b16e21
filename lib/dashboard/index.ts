/**
 * The web dashboard: a page over a store (and a broker, for live updates and controls) that
 * lists processes with filters and paging, shows one in detail with its outline drawn and its
 * history, and pauses, plays and kills live ones. `plumpy-ts dashboard` runs it; a program can
 * run it too.
 */
import type { AddressInfo } from 'node:net'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { Communicator } from '../comms/communicator.js'
import { RemoteProcessController } from '../comms/controller.js'
import type { Persister } from '../persistence/persister.js'
import { consoleLogger, type Logger } from '../runtime/environment.js'
import { LiveUpdates } from './live.js'
import type { DashboardObserver } from './observer.js'
import { createDashboardServer } from './server.js'
import { dashboardStoreOf } from './store.js'

export { dashboardStoreOf, type DashboardStore } from './store.js'
export { drawOutline, type CurrentPlace, type OutlineDrawing } from './outline-drawing.js'
export type * from './wire.js'
export type { DashboardObserver, RequestRoute } from './observer.js'

/** What the dashboard shows, and where it listens. */
export interface DashboardOptions {
  /** The store whose processes it lists (the caller closes it). */
  readonly store: Persister
  /** The definitions, to draw outlines and name positions in them. */
  readonly registry?: DefinitionRegistry
  /** A broker connection: live updates and the pause, play and kill buttons (the caller closes it). */
  readonly communicator?: Communicator
  /** Default 8080; 0 picks a free port. */
  readonly port?: number
  /** Default 127.0.0.1: the dashboard can pause and kill, so keep it off other machines. */
  readonly host?: string
  /** How long a pause, play or kill waits for the worker's answer (default 30 s). */
  readonly controlTimeoutMs?: number
  readonly logger?: Logger
  /** Where the page's files are (default: the package's). */
  readonly pageDirectory?: string
  /** Told of every request and control, e.g. `new DashboardMetrics()` (`lib/dashboard/metrics.ts`). */
  readonly observer?: DashboardObserver
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://host:port/` */
  readonly url: string
  readonly port: number
  /** Stops listening and ends the open pages' event streams; the store and broker stay open. */
  close(): Promise<void>
}

/**
 * Serves the dashboard until `close()`.
 *
 * @example
 * const dashboard = await startDashboard({ store: persister, communicator, port: 8080 })
 * console.log(`open ${dashboard.url}`)
 */
export const startDashboard = async (options: DashboardOptions): Promise<Dashboard> => {
  const logger = options.logger ?? consoleLogger
  const { communicator } = options
  const live =
    communicator === undefined ? undefined : await LiveUpdates.subscribe(communicator, logger)
  const store = dashboardStoreOf(options.store)
  options.observer?.observe?.({ store, livePages: () => live?.listeners ?? 0 })
  const server = createDashboardServer({
    store,
    registry: options.registry,
    controllable: communicator !== undefined,
    controller: communicator === undefined ? undefined : new RemoteProcessController(communicator),
    live,
    controlTimeoutMs: options.controlTimeoutMs ?? 30_000,
    ...(options.pageDirectory === undefined ? {} : { pageDirectory: options.pageDirectory }),
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    onError: (error) =>
      logger.error(`dashboard: ${error instanceof Error ? error.stack : String(error)}`),
  })
  const host = options.host ?? '127.0.0.1'
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 8080, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await live?.close()
    throw error
  }
  const { port } = server.address() as AddressInfo
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}/`,
    port,
    async close() {
      await live?.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
