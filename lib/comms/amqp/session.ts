/**
 * Everything that lives on one connection: the topology declared, the publishing channel, the
 * inbox with its bindings, and a consumer per task subscriber. A new session is built from the
 * communicator's registry after every (re)connection; a session never outlives its connection.
 */
import type { ChannelModel } from 'amqplib'
import type { Logger } from '../../runtime/environment.js'
import { declareBroadcastExchange } from './broadcast-routing.js'
import { Inbox } from './inbox.js'
import type { Topology } from './options.js'
import { Publisher } from './publisher.js'
import { PullChannel } from './pull-channel.js'
import { TaskConsumer, type TaskSubscription } from './task-consumer.js'
import type { InvalidMessageError } from '../errors.js'
import type { InboxKind, InboxMessage, RawMessage, ReplyAddress, TaskEnvelope } from './wire.js'
import type { Outcome } from '../outcome.js'

/** The subscriptions a new session must carry. */
export interface Registry {
  readonly tasks: ReadonlyMap<string, TaskSubscription>
  readonly rpcIdentifiers: Iterable<string>
  /** The binding keys of the broadcast subscribers (`broadcast-routing.ts`). */
  readonly broadcastKeys: ReadonlySet<string>
}

/** What a session hands back to its communicator. */
export interface SessionHooks {
  readonly logger: Logger
  /** The largest message taken, in bytes: a larger one is refused unread. */
  readonly maxMessageBytes: number
  readonly receive: (message: InboxMessage, routingKey: string) => void
  /** An inbox message refused unread or malformed (see `Dispatcher.refuse`). */
  readonly refused: (kind: InboxKind, raw: RawMessage, refusal: InvalidMessageError) => void
  readonly reply: (address: ReplyAddress, outcome: Outcome) => void
  /** Queues a task whose answer goes to `address` (see `TaskDelivery.passOn`). */
  readonly forward: (task: TaskEnvelope, address: ReplyAddress | undefined) => Promise<void>
  /** A task subscriber's channel closed on its own (e.g. the broker's consumer timeout). */
  readonly taskConsumerLost: (session: Session, subscriberId: string) => void
}

/** The state of one connection. */
export class Session {
  /** False once the connection dropped: nothing may be done on it any more. */
  alive = true
  private readonly consumers = new Map<string, TaskConsumer>()
  /** The task queues of the pull API declared on this connection. */
  private readonly declared = new Set<string>()
  private pulling: Promise<PullChannel> | undefined

  private constructor(
    readonly model: ChannelModel,
    readonly publisher: Publisher,
    readonly inbox: Inbox,
    private readonly topology: Topology,
    private readonly hooks: SessionHooks,
  ) {}

  /** Declares the topology and restores every subscription of the registry. */
  static async open(
    model: ChannelModel,
    topology: Topology,
    registry: Registry,
    hooks: SessionHooks,
  ): Promise<Session> {
    // Deferred: when the connection drops, amqplib closes its channels first and reports the
    // connection afterwards in the same turn; by the next turn `alive` tells which it was.
    const lost = (what: string) => () =>
      setImmediate(() => built.session?.dropConnection(`the ${what} channel closed`))
    const built: { session?: Session } = {}
    const publisher = await Publisher.open(model, hooks.logger, lost('publishing'))
    const { channel } = publisher
    await channel.assertQueue(topology.taskQueue, { durable: true })
    await channel.assertExchange(topology.rpcExchange, 'direct', { durable: true })
    await declareBroadcastExchange(channel, topology.broadcastExchange)
    const inbox = await Inbox.open(model, topology, {
      logger: hooks.logger,
      receive: hooks.receive,
      refused: hooks.refused,
      maxMessageBytes: hooks.maxMessageBytes,
      lost: lost('inbox'),
    })
    const session = new Session(model, publisher, inbox, topology, hooks)
    built.session = session
    for (const identifier of registry.rpcIdentifiers) await inbox.bindRpc(identifier)
    await inbox.receiveBroadcasts(registry.broadcastKeys)
    for (const [id, subscription] of registry.tasks) await session.startConsumer(id, subscription)
    return session
  }

  /** Starts consuming tasks for a subscriber; does nothing if it already consumes. */
  async startConsumer(id: string, subscription: TaskSubscription): Promise<void> {
    if (this.consumers.has(id)) return
    const consumer = await TaskConsumer.start(this.model, this.topology.taskQueue, subscription, {
      logger: this.hooks.logger,
      reply: this.hooks.reply,
      forward: this.hooks.forward,
      maxMessageBytes: this.hooks.maxMessageBytes,
      lost: () => this.hooks.taskConsumerLost(this, id),
    })
    this.consumers.set(id, consumer)
  }

  /** Stops a subscriber's consumer; the tasks it holds run to the end. */
  async stopConsumer(id: string): Promise<void> {
    const consumer = this.consumers.get(id)
    this.consumers.delete(id)
    await consumer?.stop()
  }

  /** Declares a (durable) task queue of the pull API, once per connection. */
  async declareQueue(queue: string): Promise<void> {
    if (this.declared.has(queue)) return
    await this.publisher.channel.assertQueue(queue, { durable: true })
    this.declared.add(queue)
  }

  /**
   * The channel tasks are pulled on (one per connection, opened on first use, and again if it
   * closed: the broker put back what it held).
   */
  pullChannel(): Promise<PullChannel> {
    const current = this.pulling
    if (current !== undefined) return current
    const opened = PullChannel.open(this.model, this.hooks.logger, () => {
      if (this.pulling === opened) this.pulling = undefined
    })
    this.pulling = opened
    opened.catch(() => {
      if (this.pulling === opened) this.pulling = undefined
    })
    return opened
  }

  /**
   * Closes the connection so that recovery builds everything again: the way out of a state we
   * cannot repair in place (our inbox or publishing channel gone).
   */
  dropConnection(reason: string): void {
    if (!this.alive) return
    this.hooks.logger.warn(`${reason}: reconnecting`)
    void this.model.close().catch(() => undefined)
  }
}
