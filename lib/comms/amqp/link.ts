/**
 * The connection to the broker and its recovery, on amqplib's own reconnection (exponential
 * backoff with jitter). After every (re)connection the communicator builds a new `Session`
 * inside amqplib's `setup` hook, so a connection is only handed out once its topology and
 * subscribers are back. Heartbeats come from the URL (`?heartbeat=N`) and run on the socket:
 * they keep flowing as long as nobody blocks the event loop.
 *
 * An outage is told in two lines, however long it lasts: one when the connection drops, one
 * when it is back (with how long it took); the failed attempts in between are counted, not
 * logged one by one, since a worker retries every few seconds for as long as the broker is away.
 */
import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib'
import type { Logger } from '../../runtime/environment.js'
import { BrokerUnreachableError, CommunicatorClosedError } from '../errors.js'
import { coalesceWrites } from './coalesced-writes.js'
import { redactUrl, type ReconnectOptions } from './options.js'
import { SerialQueue } from './serial.js'
import type { Session } from './session.js'

/** What the link asks of its communicator. */
export interface LinkHooks {
  readonly logger: Logger
  /** Builds the session of a new connection; throwing makes amqplib retry later. */
  readonly openSession: (model: ChannelModel) => Promise<Session>
  readonly onConnect?: ((connection: ChannelModel) => void) | undefined
  /** The current connection dropped; a new one is on its way. */
  readonly disconnected: (error: Error) => void
  /** Recovery gave up (`maxRetries` reached). */
  readonly gaveUp: (error: Error) => void
}

interface Waiter {
  readonly resolve: (session: Session) => void
  readonly reject: (error: unknown) => void
}

/** A connection that comes back after it drops, with the session built on it. */
export class Link {
  /** Serialises session building with subscription changes. */
  readonly lock = new SerialQueue()
  private session: Session | undefined
  private waiters: Waiter[] = []
  private connection: RecoveringChannelModel | undefined
  private closed = false
  /** Since when the connection is down, and how many attempts failed since. */
  private outage: { readonly since: number; failures: number } | undefined

  private constructor(private readonly hooks: LinkHooks) {}

  /** Connects (retrying `initialRetries` times) and builds the first session. */
  static async open(url: string, reconnect: ReconnectOptions, hooks: LinkHooks): Promise<Link> {
    const link = new Link(hooks)
    const connection = await connect(url, {
      // Without TCP_NODELAY, Nagle's algorithm meets delayed ACKs and every round trip waits
      // ~40 ms: 20 sequential tasks per second instead of hundreds.
      noDelay: true,
      clientProperties: { connection_name: 'plumpy-ts' },
      recovery: {
        initialDelay: reconnect.initialDelayMs ?? 100,
        maxDelay: reconnect.maxDelayMs ?? 5_000,
        maxRetries: reconnect.maxRetries ?? Infinity,
        initialMaxRetries: reconnect.initialRetries ?? 0,
        waitForConnect: false,
        setup: (model: ChannelModel) => link.lock.run(() => link.setUp(model)),
      },
    })
    link.connection = connection
    const where = redactUrl(url)
    // A connection error is followed by `disconnect` with the same error: one warning is enough.
    connection.on('error', (error: Error) => hooks.logger.info(`${where}: ${error.message}`))
    connection.on('disconnect', (error: Error) => link.dropped(error))
    connection.on('connect-failed', (error: Error) => {
      if (link.outage === undefined)
        hooks.logger.warn(`cannot connect to ${where}: ${error.message}`)
      else link.outage.failures += 1
    })
    connection.on('reconnect-failed', (error: Error) => hooks.gaveUp(error))
    try {
      await connection.waitForConnect()
    } catch (error) {
      link.closed = true
      const reason = error instanceof Error ? error.message : String(error)
      throw new Error(`cannot connect to the broker at ${where}: ${reason}`, { cause: error })
    }
    return link
  }

  /** The session of the live connection, if there is one right now. */
  current(): Session | undefined {
    return this.session
  }

  /**
   * The live session, or the next one once reconnected; rejects when the link is closed, and
   * with `BrokerUnreachableError` when `withinMs` is given and no session comes in that time (the
   * caller is then forgotten: it will not publish once the broker is back).
   */
  next(operation: string, withinMs?: number): Promise<Session> {
    if (this.closed) return Promise.reject(new CommunicatorClosedError(operation))
    if (this.session !== undefined) return Promise.resolve(this.session)
    return new Promise((resolve, reject) => {
      if (withinMs === undefined) {
        this.waiters.push({ resolve, reject })
        return
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter)
        reject(new BrokerUnreachableError(operation, withinMs))
      }, withinMs)
      const waiter: Waiter = {
        resolve: (session) => {
          clearTimeout(timer)
          resolve(session)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      this.waiters.push(waiter)
    })
  }

  /**
   * Applies a subscription change to the live session, in order with reconnections. With no
   * live session there is nothing to do: the next session is built from the subscriptions. A
   * failure on a session that is still alive is a real refusal: `undo` and rethrow.
   */
  async apply(change: (session: Session) => Promise<void>, undo?: () => void): Promise<void> {
    await this.lock.run(async () => {
      const session = this.session
      if (session === undefined || !session.alive) return
      try {
        await change(session)
      } catch (error) {
        if (!session.alive) return
        undo?.()
        throw error
      }
    })
  }

  /** Closes the connection for good; waiting operations reject with `error`. */
  async close(error: () => unknown): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const waiter of this.waiters.splice(0)) waiter.reject(error())
    const session = this.session
    this.session = undefined
    if (session !== undefined) session.alive = false
    // amqplib's close waits for the broker's close-ok, which never comes when the socket died
    // in the same turn: the socket's own close ends the wait too.
    const socketClosed = new Promise((resolve) => session?.model.once('close', resolve))
    await Promise.race([this.connection?.close().catch(() => undefined), socketClosed])
  }

  private async setUp(model: ChannelModel): Promise<void> {
    if (this.closed) throw new Error('the communicator closed while connecting')
    // Until amqplib adopts the connection after this hook, its errors are ours to listen to.
    model.on('error', () => undefined)
    const uncoalesced = coalesceWrites(model)
    if (uncoalesced !== undefined)
      this.hooks.logger.warn(`one socket write per frame (${uncoalesced})`)
    const session = await this.hooks.openSession(model)
    this.session = session
    for (const waiter of this.waiters.splice(0)) waiter.resolve(session)
    const outage = this.outage
    this.outage = undefined
    if (outage === undefined) this.hooks.logger.info('connected to the broker')
    else {
      // A warning, like the loss it ends: whoever saw one must see the other.
      const seconds = ((Date.now() - outage.since) / 1000).toFixed(1)
      const attempts =
        outage.failures === 1 ? '1 failed attempt' : `${outage.failures} failed attempts`
      this.hooks.logger.warn(`reconnected to the broker after ${seconds} s (${attempts})`)
    }
    try {
      this.hooks.onConnect?.(model)
    } catch (error) {
      this.hooks.logger.warn(`onConnect threw: ${String(error)}`)
    }
  }

  private dropped(error: Error): void {
    const session = this.session
    this.session = undefined
    if (session !== undefined) session.alive = false
    this.outage ??= { since: Date.now(), failures: 0 }
    this.hooks.logger.warn(`connection to the broker lost (${error.message}): reconnecting`)
    this.hooks.disconnected(error)
  }
}
