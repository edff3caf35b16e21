/**
 * `AmqpCommunicator`: the communicator over RabbitMQ (amqplib), for workers on several machines.
 *
 * Topology (names from {@link AmqpCommunicatorOptions}): a durable task queue, persistent
 * tasks published with confirms, one consumer channel per task subscriber (prefetch = slots,
 * acknowledged after the handler); a direct exchange for RPC and a topic exchange for
 * broadcasts (routed by subject: `broadcast-routing.ts`), both delivered to the communicator's
 * exclusive inbox, which also receives the replies (`replyTo` + `correlationId`). See `wire.ts` for the messages. RPC identifiers are
 * unique per communicator; two communicators that serve the same identifier both receive its
 * calls and the sender keeps the first answer (the broker cannot tell them apart).
 *
 * Reconnection: when the connection drops (broker restart, network), amqplib reconnects with
 * backoff and every subscriber is restored on the new connection. Meanwhile:
 * - sends **in flight** (published but not yet confirmed, or waiting for their answer) reject
 *   with `ConnectionLostError`: the reply queue died with the connection, and a task may or may
 *   not have been queued, so resending is the caller's decision (a blind retry could run a
 *   task twice);
 * - sends **made while disconnected** wait for the reconnection, then go out normally (a task
 *   sent with `queueWithinMs` waits that long at most, then is withdrawn:
 *   `BrokerUnreachableError`);
 * - tasks that this worker held unacknowledged are requeued by the broker and redelivered
 *   (`redelivered: true`); their handlers run on, but their acknowledgement is void;
 * - subscribing and unsubscribing work as usual: the next connection is built from the
 *   subscriptions of the moment.
 */
import type { ChannelModel } from 'amqplib'
import { v4 as uuidv4 } from 'uuid'
import { consoleLogger, type Logger } from '../../runtime/environment.js'
import {
  maxMessageBytesOf,
  taskSlots,
  type BroadcastFilterOptions,
  type BroadcastHandler,
  type BroadcastSendOptions,
  type Communicator,
  type RpcHandler,
  type TaskHandler,
  type TaskQueue,
  type TaskSendOptions,
  type TaskSubscriberOptions,
} from '../communicator.js'
import {
  CommunicatorClosedError,
  ConnectionLostError,
  DuplicateSubscriberError,
  UnknownSubscriberError,
  UnroutableError,
} from '../errors.js'
import { broadcastPredicate } from '../filters.js'
import { broadcastBindingKey, broadcastRoutingKey } from './broadcast-routing.js'
import { PendingAnswers } from '../pending.js'
import { pullQueue, validTaskQueueName } from '../task-queue.js'
import { amqpTaskSource } from './task-source.js'
import { Link } from './link.js'
import { topologyOf, type AmqpCommunicatorOptions, type Topology } from './options.js'
import { Session } from './session.js'
import type { TaskSubscription } from './task-consumer.js'
import { Dispatcher } from './dispatcher.js'
import { Subscribers } from './subscribers.js'
import { encodeEnvelope, type ReplyAddress, type TaskEnvelope } from './wire.js'

/**
 * A communicator over RabbitMQ.
 *
 * @example
 * const communicator = await AmqpCommunicator.connect('amqp://127.0.0.1?heartbeat=10')
 * await communicator.addTaskSubscriber((task, { redelivered }) => ({ task, redelivered }))
 * await communicator.taskSend({ x: 1 }) // { task: { x: 1 }, redelivered: false }
 * await communicator.close()
 */
export class AmqpCommunicator implements Communicator {
  private readonly subscribers = new Subscribers()
  private readonly answers = new PendingAnswers()
  private readonly topology: Topology
  private readonly logger: Logger
  private readonly maxBytes: number
  private readonly dispatcher: Dispatcher
  private link: Link | undefined
  private closed = false

  private constructor(options: AmqpCommunicatorOptions) {
    this.topology = topologyOf(options)
    this.logger = options.logger ?? consoleLogger
    this.maxBytes = maxMessageBytesOf(options.maxMessageBytes)
    this.dispatcher = new Dispatcher(
      this.subscribers,
      this.answers,
      this.logger,
      (address, content) => this.sendAnswer(address, content),
      this.maxBytes,
    )
  }

  /**
   * Connects to the broker at `url` (heartbeat from `?heartbeat=N`; prefer a few seconds to
   * the broker's 60 s so that a dead peer is noticed quickly) and declares the topology.
   * Rejects when the broker cannot be reached (after `reconnect.initialRetries` retries).
   */
  static async connect(url: string, options: AmqpCommunicatorOptions = {}) {
    const communicator = new AmqpCommunicator(options)
    communicator.link = await Link.open(url, options.reconnect ?? {}, {
      logger: communicator.logger,
      onConnect: options.onConnect,
      openSession: (model) => communicator.openSession(model),
      disconnected: () =>
        communicator.answers.failAll(() => new ConnectionLostError('waiting for an answer')),
      gaveUp: (error) => {
        communicator.logger.error(`gave up reconnecting to the broker: ${error.message}`)
        void communicator.close()
      },
    })
    return communicator
  }

  /** Whether a connection is up right now (false while reconnecting). */
  isConnected(): boolean {
    return this.link?.current()?.alive === true
  }

  async addTaskSubscriber(
    handler: TaskHandler,
    identifier: string = uuidv4(),
    options: TaskSubscriberOptions = {},
  ) {
    const link = this.open('addTaskSubscriber')
    const slots = taskSlots(options)
    if (this.subscribers.tasks.has(identifier))
      throw new DuplicateSubscriberError(identifier, 'task')
    // Its own uid names it in the tasks it rejects: identifiers are only unique here.
    const subscription: TaskSubscription = { handler, slots, uid: uuidv4() }
    this.subscribers.tasks.set(identifier, subscription)
    const undo = () => this.subscribers.tasks.delete(identifier)
    await link.apply((session) => session.startConsumer(identifier, subscription), undo)
    return identifier
  }

  async removeTaskSubscriber(identifier: string) {
    const link = this.open('removeTaskSubscriber')
    if (!this.subscribers.tasks.delete(identifier))
      throw new UnknownSubscriberError(identifier, 'task')
    await link.apply((session) => session.stopConsumer(identifier))
  }

  async taskSend(task: unknown, options: TaskSendOptions = {}) {
    this.open('taskSend')
    return this.sendTask(this.topology.taskQueue, task, options)
  }

  taskQueue(name: string): TaskQueue {
    this.open('taskQueue')
    const queue = this.topology.namedQueue(validTaskQueueName(name))
    return pullQueue(
      amqpTaskSource(name, queue, {
        session: (operation) => this.session(operation),
        send: async (task, options) => {
          this.open('taskQueue.taskSend')
          return this.sendTask(queue, task, options)
        },
        reply: (address, outcome) => this.dispatcher.reply(address, outcome),
        logger: this.logger,
        maxMessageBytes: this.maxBytes,
      }),
    )
  }

  /** Sends a task to `queue` and resolves to its answer (to `undefined` with `noReply`). */
  private async sendTask(queue: string, task: unknown, options: TaskSendOptions) {
    const content = encodeEnvelope({ _tag: 'Task', body: task }, this.maxBytes)
    const within = options.queueWithinMs
    if (options.noReply === true) {
      await this.publish('taskSend', (session) => this.enqueueTask(session, queue, content), within)
      return undefined
    }
    return this.ask(
      'taskSend',
      (session, correlationId) =>
        this.enqueueTask(session, queue, content, {
          correlationId,
          replyTo: session.inbox.queue,
        }),
      within,
    )
  }

  /** A task sent on behalf of the sender at `address`: its answer goes there. */
  private async forwardTask(envelope: TaskEnvelope, address: ReplyAddress | undefined) {
    const content = encodeEnvelope(envelope, this.maxBytes)
    const queue = this.topology.taskQueue
    await this.publish('taskSend', (session) => this.enqueueTask(session, queue, content, address))
  }

  /**
   * Publishes an encoded task to `queue`, persistently, answered at `address` if there is one.
   * The queues of the pull API are declared first: their name is known only once asked for.
   */
  private async enqueueTask(
    session: Session,
    queue: string,
    content: Buffer,
    address?: ReplyAddress,
  ): Promise<void> {
    if (queue !== this.topology.taskQueue) await session.declareQueue(queue)
    return session.publisher.publish('', queue, content, {
      persistent: true,
      unroutable: () => new UnroutableError(`the task queue '${queue}' does not exist`),
      ...address,
    })
  }

  async addRpcSubscriber(handler: RpcHandler, identifier: string = uuidv4()) {
    const link = this.open('addRpcSubscriber')
    if (this.subscribers.rpc.has(identifier)) throw new DuplicateSubscriberError(identifier, 'RPC')
    this.subscribers.rpc.set(identifier, handler)
    const undo = () => this.subscribers.rpc.delete(identifier)
    await link.apply(async (session) => {
      // Removed before its turn came (a process that ended while the bindings of others went
      // out): binding it now would only be undone, so neither goes to the broker. An RPC sent
      // meanwhile was unroutable, as it would have been before the binding or after the unbinding.
      if (this.subscribers.rpc.has(identifier) && !session.inbox.receivesRpc(identifier))
        await session.inbox.bindRpc(identifier)
    }, undo)
    return identifier
  }

  async removeRpcSubscriber(identifier: string) {
    const link = this.open('removeRpcSubscriber')
    if (!this.subscribers.rpc.delete(identifier))
      throw new UnknownSubscriberError(identifier, 'RPC')
    // A new subscriber for the same identifier may have come in the meantime: keep its binding.
    await link.apply(async (session) => {
      if (!this.subscribers.rpc.has(identifier) && session.inbox.receivesRpc(identifier))
        await session.inbox.unbindRpc(identifier)
    })
  }

  async rpcSend(recipientId: string, message: unknown) {
    this.open('rpcSend')
    const content = encodeEnvelope({ _tag: 'Rpc', body: message }, this.maxBytes)
    return this.ask('rpcSend', (session, correlationId) =>
      session.publisher.publish(this.topology.rpcExchange, recipientId, content, {
        correlationId,
        replyTo: session.inbox.queue,
        unroutable: () => new UnroutableError(`no RPC subscriber for '${recipientId}'`),
      }),
    )
  }

  async addBroadcastSubscriber(
    handler: BroadcastHandler,
    filter: BroadcastFilterOptions = {},
    identifier: string = uuidv4(),
  ) {
    const link = this.open('addBroadcastSubscriber')
    const matches = broadcastPredicate(filter)
    if (this.subscribers.broadcasts.has(identifier))
      throw new DuplicateSubscriberError(identifier, 'broadcast')
    const bindingKey = broadcastBindingKey(filter.subjectFilter)
    this.subscribers.broadcasts.set(identifier, { handler, matches, bindingKey })
    await link.apply((session) => this.syncBroadcasts(session))
    return identifier
  }

  async removeBroadcastSubscriber(identifier: string) {
    const link = this.open('removeBroadcastSubscriber')
    if (!this.subscribers.broadcasts.delete(identifier))
      throw new UnknownSubscriberError(identifier, 'broadcast')
    await link.apply((session) => this.syncBroadcasts(session))
  }

  async broadcastSend(body: unknown, options: BroadcastSendOptions = {}) {
    this.open('broadcastSend')
    const { sender, subject, correlationId } = options
    const content = encodeEnvelope(
      { _tag: 'Broadcast', body, sender, subject, correlationId },
      this.maxBytes,
    )
    await this.publish('broadcastSend', (session) =>
      session.publisher.publish(
        this.topology.broadcastExchange,
        broadcastRoutingKey(subject),
        content,
        {},
      ),
    )
  }

  async close() {
    if (this.closed) return
    this.closed = true
    const refused = () => new CommunicatorClosedError('waiting for an answer')
    this.answers.failAll(refused)
    await this.link?.close(refused)
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  isClosed(): boolean {
    return this.closed
  }

  private open(operation: string): Link {
    if (this.closed || this.link === undefined) throw new CommunicatorClosedError(operation)
    return this.link
  }

  private session(operation: string, withinMs?: number): Promise<Session> {
    return this.open(operation).next(operation, withinMs)
  }

  /**
   * Publishes on the live session (waiting for one while reconnecting, `withinMs` at most when
   * given). A send overtaken by `close()` rejects with `CommunicatorClosedError`, whatever the
   * channel said.
   */
  private async publish(
    operation: string,
    publish: (session: Session) => Promise<void>,
    withinMs?: number,
  ) {
    const session = await this.session(operation, withinMs)
    this.open(operation)
    await publish(session).catch((error: unknown) => {
      throw this.closed ? new CommunicatorClosedError(operation) : error
    })
  }

  /** Publishes with a fresh correlation id and resolves to the answer. */
  private async ask(
    operation: string,
    publish: (session: Session, correlationId: string) => Promise<void>,
    withinMs?: number,
  ): Promise<unknown> {
    const correlationId = uuidv4()
    const answer = this.answers.expect(correlationId)
    await this.publish(operation, (session) => publish(session, correlationId), withinMs).catch(
      (error: unknown) => this.answers.fail(correlationId, error),
    )
    return answer
  }

  /** Sends an answer over the live connection, waiting for one if need be. */
  private async sendAnswer(address: ReplyAddress, content: Buffer): Promise<void> {
    if (this.closed) return
    const session = await this.session('reply').catch(() => undefined)
    session?.publisher.send('', address.replyTo, content, address.correlationId)
  }

  private syncBroadcasts(session: Session): Promise<void> {
    return session.inbox.receiveBroadcasts(this.subscribers.broadcastKeys())
  }

  private openSession(model: ChannelModel): Promise<Session> {
    return Session.open(model, this.topology, this.subscribers.registry(), {
      logger: this.logger,
      maxMessageBytes: this.maxBytes,
      receive: (message, routingKey) => this.dispatcher.receive(message, routingKey),
      refused: (kind, raw, refusal) => this.dispatcher.refuse(kind, raw, refusal),
      reply: (address, outcome) => void this.dispatcher.reply(address, outcome),
      forward: (body, address) => this.forwardTask(body, address),
      taskConsumerLost: (session, id) => this.restoreConsumer(session, id),
    })
  }

  /** A task consumer's channel closed on its own: a new channel, same subscriber. */
  private restoreConsumer(session: Session, id: string): void {
    setImmediate(() => {
      void this.link?.lock.run(async () => {
        const subscription = this.subscribers.tasks.get(id)
        if (!session.alive || this.closed || subscription === undefined) return
        this.logger.warn(`task subscriber ${id} lost its channel: subscribing again`)
        await session.stopConsumer(id)
        await session.startConsumer(id, subscription).catch(() => {
          session.dropConnection(`task subscriber ${id} could not subscribe again`)
        })
      })
    })
  }
}
