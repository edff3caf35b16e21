/**
 * Live updates: one subscription to the broker's state-change broadcasts
 * (`state_changed.<from>.<to>`, body `{ pid, from, to }`) and pause broadcasts
 * (`pause_changed.<paused|played>`, body `{ pid, paused }`), fanned out to every open page as
 * server-sent events (`event: state`, `event: paused`). A comment line every 15 s keeps idle connections open
 * through proxies and tells the server when a page has gone.
 */
import type { ServerResponse } from 'node:http'
import type { BroadcastMessage, Communicator } from '../comms/communicator.js'
import { STATE_NAMES, type StateName } from '../process/state.js'
import type { Logger } from '../runtime/environment.js'
import type { PauseChangeJson, StateChangeJson } from './wire.js'

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
    const early: LiveEvent[] = []
    const id = await communicator.addBroadcastSubscriber(
      (message) => {
        const event = liveEventOf(message)
        if (event === undefined) {
          logger.warn(`dashboard: a ${message.subject ?? 'subjectless'} broadcast not understood`)
          return
        }
        if (ready.live === undefined) early.push(event)
        else ready.live.send(event)
      },
      { subjectFilter: /^(state_changed|pause_changed)\./ },
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

  private send(event: LiveEvent): void {
    this.write(`event: ${event.kind}\ndata: ${JSON.stringify(event.data)}\n\n`)
  }

  private write(text: string): void {
    for (const stream of this.streams) stream.write(text)
  }
}

/** What the page is told: a state change, or a pause or play. */
type LiveEvent =
  | { readonly kind: 'state'; readonly data: StateChangeJson }
  | { readonly kind: 'paused'; readonly data: PauseChangeJson }

/** The event a broadcast makes, or undefined when its body is not what its subject says. */
const liveEventOf = (message: BroadcastMessage): LiveEvent | undefined => {
  if (message.subject?.startsWith('pause_changed.') === true) {
    const data = pauseChangeOf(message)
    return data === undefined ? undefined : { kind: 'paused', data }
  }
  const data = stateChangeOf(message)
  return data === undefined ? undefined : { kind: 'state', data }
}

/** The pause or play a broadcast announces, or undefined when its body is not one. */
export const pauseChangeOf = (message: BroadcastMessage): PauseChangeJson | undefined => {
  const body = message.body as { pid?: unknown; paused?: unknown } | null
  if (typeof body !== 'object' || body === null) return undefined
  const { pid, paused } = body
  return typeof pid === 'string' && typeof paused === 'boolean' ? { pid, paused } : undefined
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
