/**
 * A communicator's inbox: one exclusive, server-named queue per connection that receives
 * - replies to its tasks and RPCs (it is the `replyTo` of everything it sends),
 * - RPCs for its identifiers (one binding per identifier on the direct RPC exchange; an
 *   identifier bound nowhere makes a mandatory publish come back: unroutable),
 * - broadcasts, while it has broadcast subscribers: one binding on the topic exchange per
 *   subject prefix they ask for (`broadcast-routing.ts`).
 *
 * One queue and one consumer however many processes subscribe: a process costs a binding, not
 * a queue. Deliveries are unacknowledged (`noAck`): these messages are only useful to this
 * connection, and the queue dies with it.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib'
import * as E from 'fp-ts/lib/Either.js'
import type { Logger } from '../../runtime/environment.js'
import type { InvalidMessageError } from '../errors.js'
import type { Topology } from './options.js'
import { decodeInbox, type InboxKind, type InboxMessage, type RawMessage } from './wire.js'

/** What a message is, by the exchange it came through (replies come by the default one). */
const kindOf = (topology: Topology, exchange: string): InboxKind =>
  exchange === topology.rpcExchange
    ? 'Rpc'
    : exchange === topology.broadcastExchange
      ? 'Broadcast'
      : 'Reply'

/** Where the inbox hands what it receives. */
export interface InboxHooks {
  readonly logger: Logger
  readonly receive: (message: InboxMessage, routingKey: string) => void
  /** A message not read: malformed, or over `maxMessageBytes` (not even parsed). */
  readonly refused: (kind: InboxKind, raw: RawMessage, refusal: InvalidMessageError) => void
  /** The largest message read, in bytes. */
  readonly maxMessageBytes: number
  /** The channel closed or the consumer was cancelled while the connection lives. */
  readonly lost: () => void
}

/** The inbox queue and its bindings on one connection. */
export class Inbox {
  private closing = false
  /** The identifiers bound on the RPC exchange. */
  private readonly rpcIdentifiers = new Set<string>()
  /** The binding keys on the broadcast exchange. */
  private broadcastKeys: ReadonlySet<string> = new Set()

  private constructor(
    private readonly channel: Channel,
    /** The queue name: the `replyTo` of our messages. */
    readonly queue: string,
    private readonly topology: Topology,
  ) {}

  static async open(model: ChannelModel, topology: Topology, hooks: InboxHooks): Promise<Inbox> {
    const channel = await model.createChannel()
    channel.on('error', (error: Error) => hooks.logger.warn(`inbox channel: ${error.message}`))
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true })
    const inbox = new Inbox(channel, queue, topology)
    channel.on('close', () => {
      if (!inbox.closing) hooks.lost()
    })
    const onMessage = (message: ConsumeMessage | null) => {
      if (message === null) {
        hooks.lost()
        return
      }
      const decoded = decodeInbox(message, hooks.maxMessageBytes)
      if (E.isLeft(decoded)) {
        hooks.refused(kindOf(topology, message.fields.exchange), message, decoded.left)
        return
      }
      hooks.receive(decoded.right, message.fields.routingKey)
    }
    await channel.consume(queue, onMessage, { noAck: true })
    return inbox
  }

  /** Whether RPCs sent to `identifier` are bound to this inbox. */
  receivesRpc(identifier: string): boolean {
    return this.rpcIdentifiers.has(identifier)
  }

  /** Receive RPCs sent to `identifier`. */
  async bindRpc(identifier: string): Promise<void> {
    await this.channel.bindQueue(this.queue, this.topology.rpcExchange, identifier)
    this.rpcIdentifiers.add(identifier)
  }

  /** Stop receiving RPCs sent to `identifier`. */
  async unbindRpc(identifier: string): Promise<void> {
    await this.channel.unbindQueue(this.queue, this.topology.rpcExchange, identifier)
    this.rpcIdentifiers.delete(identifier)
  }

  /** Receive the broadcasts routed with these binding keys, and no others. */
  async receiveBroadcasts(keys: ReadonlySet<string>): Promise<void> {
    const exchange = this.topology.broadcastExchange
    for (const key of keys)
      if (!this.broadcastKeys.has(key)) await this.channel.bindQueue(this.queue, exchange, key)
    for (const key of this.broadcastKeys)
      if (!keys.has(key)) await this.channel.unbindQueue(this.queue, exchange, key)
    this.broadcastKeys = keys
  }

  /** Closes the channel on purpose; the queue goes with it. */
  async close(): Promise<void> {
    this.closing = true
    await this.channel.close().catch(() => undefined)
  }
}
