/**
 * Live updates: one subscription to the broker's state-change broadcasts
 * (`state_changed.<from>.<to>`, body `{ pid, from, to }`), fanned out to every open page as
 * server-sent events (`event: state`). A comment line every 15 s keeps idle connections open
 * through proxies and tells the server when a page has gone.
 */
import type { ServerResponse } from 'node:http'
import type { BroadcastMessage, Communicator } from '../comms/communicator.js'
import { STATE_NAMES, type StateName } from '../process/state.js'
import type { Logger } from '../runtime/environment.js'
import type { StateChangeJson } from './wire.js'

const KEEP_ALIVE_MS = 15_000

/** The open event streams, and the subscription that feeds them. */
export class LiveUpdates {
  private readonly streams = new Set<ServerResponse>()
  private readonly keepAlive: NodeJS.Timeout

  private constructor(
    private readonly communicator: Communicator,
    private readonly subscription: string,
  ) {
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS)
    this.keepAlive.unref()
  }

  /** Subscribes to the state changes broadcast on `communicator`. */
  static async subscribe(communicator: Communicator, logger: Logger): Promise<LiveUpdates> {
    // Broadcasts may come before the subscription's id does: they wait in `early`.
    const ready: { live?: LiveUpdates } = {}
    const early: StateChangeJson[] = []
    const id = await communicator.addBroadcastSubscriber(
      (message) => {
        const change = stateChangeOf(message)
        if (change === undefined) {
          logger.warn(`dashboard: a state_changed broadcast without { pid, from, to } ignored`)
          return
        }
        if (ready.live === undefined) early.push(change)
        else ready.live.send(change)
      },
      { subjectFilter: 'state_changed' },
    )
    const live = new LiveUpdates(communicator, id)
    for (const change of early) live.send(change)
    ready.live = live
    return live
  }

  /** Makes `response` an event stream until its page goes away. */
  add(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    response.write(': connected\n\n')
    this.streams.add(response)
    response.on('close', () => this.streams.delete(response))
  }

  /** How many pages are listening. */
  get listeners(): number {
    return this.streams.size
  }

  /** Ends every stream and the subscription. */
  async close(): Promise<void> {
    clearInterval(this.keepAlive)
    for (const stream of this.streams) stream.end()
    this.streams.clear()
    if (!this.communicator.isClosed())
      await this.communicator.removeBroadcastSubscriber(this.subscription)
  }

  private send(change: StateChangeJson): void {
    this.write(`event: state\ndata: ${JSON.stringify(change)}\n\n`)
  }

  private write(text: string): void {
    for (const stream of this.streams) stream.write(text)
  }
}

/** The change a broadcast announces, or undefined when its body is not one. */
export const stateChangeOf = (message: BroadcastMessage): StateChangeJson | undefined => {
  const body = message.body as { pid?: unknown; from?: unknown; to?: unknown } | null
  if (typeof body !== 'object' || body === null) return undefined
  const { pid, from, to } = body
  if (typeof pid !== 'string' || !isState(to) || !(from === null || isState(from))) return undefined
  return { pid, from, to }
}

const isState = (value: unknown): value is StateName =>
  typeof value === 'string' && (STATE_NAMES as readonly string[]).includes(value)
