/**
 * `LocalCommunicator`: the communicator of a laptop run, in-process and on the event loop, with
 * the semantics of the RabbitMQ one (no broker needed, same tests pass).
 */
import { v4 as uuidv4 } from 'uuid'
import { consoleLogger, type Logger } from '../runtime/environment.js'
import {
  maxMessageBytesOf,
  taskSlots,
  type BroadcastFilterOptions,
  type BroadcastHandler,
  type BroadcastMessage,
  type BroadcastSendOptions,
  type Communicator,
  type RpcHandler,
  type TaskHandler,
  type TaskQueue,
  type TaskSendOptions,
  type TaskSubscriberOptions,
} from './communicator.js'
import {
  CommunicatorClosedError,
  DuplicateSubscriberError,
  UnknownSubscriberError,
} from './errors.js'
import { broadcastPredicate } from './filters.js'
import { LocalBus } from './local/bus.js'
import type { LocalTaskQueue } from './local/task-queue.js'
import {
  asOutcome,
  copyOutcome,
  copyThroughJson,
  runHandler,
  toJsonText,
  unroutable,
} from './outcome.js'
import { PendingAnswers } from './pending.js'
import { pullQueue, validTaskQueueName } from './task-queue.js'

/** Options of a {@link LocalCommunicator}. */
export interface LocalCommunicatorOptions {
  /** The bus shared with other local communicators (default: a bus of its own). */
  readonly bus?: LocalBus
  /** Where failing broadcast handlers are reported (default: stderr). */
  readonly logger?: Logger
  /**
   * The largest message or result this communicator sends, in bytes of JSON (default
   * `DEFAULT_MAX_MESSAGE_BYTES`, 4 MiB), as over the broker: a larger one is refused with
   * `MessageTooLargeError`.
   */
  readonly maxMessageBytes?: number
}

/**
 * An in-process communicator. Messages are delivered on a later turn of the event loop (never
 * inside the send call) and copied through JSON, as over a broker.
 *
 * Tasks behave as with RabbitMQ, minus durability: a task sent while nobody subscribes waits in
 * the bus's queue until a subscriber comes (it is lost only with the process); slots, `ack()`,
 * `TaskRejected` and `redelivered` work the same; closing a communicator hands the tasks its
 * subscribers hold unacknowledged to the others, marked redelivered (see `LocalTaskQueue`).
 * RPC identifiers are unique on a bus.
 *
 * @example
 * const communicator = new LocalCommunicator()
 * await communicator.addTaskSubscriber((task) => (task as { x: number }).x * 2)
 * await communicator.taskSend({ x: 21 }) // 42
 */
export class LocalCommunicator implements Communicator {
  /** The bus this communicator talks on; pass it to others to let them talk to this one. */
  readonly bus: LocalBus
  private readonly owner = uuidv4()
  private readonly logger: Logger
  private readonly maxBytes: number
  private readonly answers = new PendingAnswers()
  /** The bus's ids (unique on the bus) of this communicator's subscribers, by identifier. */
  private readonly taskSubscribers = new Map<string, string>()
  private readonly rpcSubscribers = new Set<string>()
  private readonly broadcastSubscribers = new Map<string, string>()
  private closed = false

  constructor(options: LocalCommunicatorOptions = {}) {
    this.bus = options.bus ?? new LocalBus()
    this.logger = options.logger ?? consoleLogger
    this.maxBytes = maxMessageBytesOf(options.maxMessageBytes)
  }

  async addTaskSubscriber(
    handler: TaskHandler,
    identifier: string = uuidv4(),
    options: TaskSubscriberOptions = {},
  ) {
    this.refuseIfClosed('addTaskSubscriber')
    const slots = taskSlots(options)
    if (this.taskSubscribers.has(identifier)) throw new DuplicateSubscriberError(identifier, 'task')
    const id = uuidv4()
    this.taskSubscribers.set(identifier, id)
    this.bus.tasks.subscribe({
      id,
      owner: this.owner,
      handler,
      slots,
      maxMessageBytes: this.maxBytes,
    })
    return identifier
  }

  async removeTaskSubscriber(identifier: string) {
    this.refuseIfClosed('removeTaskSubscriber')
    const id = this.taskSubscribers.get(identifier)
    if (id === undefined) throw new UnknownSubscriberError(identifier, 'task')
    this.taskSubscribers.delete(identifier)
    this.bus.tasks.unsubscribe(id)
  }

  async taskSend(task: unknown, options: TaskSendOptions = {}) {
    this.refuseIfClosed('taskSend')
    return this.enqueue(this.bus.tasks, task, options)
  }

  taskQueue(name: string): TaskQueue {
    this.refuseIfClosed('taskQueue')
    const queue = this.bus.namedQueue(validTaskQueueName(name))
    return pullQueue({
      name,
      send: async (task, options) => {
        this.refuseIfClosed('taskQueue.taskSend')
        return this.enqueue(queue, task, options)
      },
      take: async () => {
        this.refuseIfClosed('taskQueue.next')
        // A later turn, as a broker's answer would come: a loop that takes never starves others.
        await new Promise((resolve) => setImmediate(resolve))
        this.refuseIfClosed('taskQueue.next')
        return queue.take(this.owner, this.maxBytes)
      },
    })
  }

  /** Queues a task and resolves to its answer (at once to `undefined` with `noReply`). */
  private enqueue(queue: LocalTaskQueue, task: unknown, options: TaskSendOptions) {
    const text = toJsonText(task, 'the task', this.maxBytes)
    const queued = { text, redelivered: false, rejectedBy: new Set<string>() }
    if (options.noReply === true) {
      queue.enqueue({ ...queued, settle: undefined })
      return Promise.resolve(undefined)
    }
    const correlationId = uuidv4()
    const answer = this.answers.expect(correlationId)
    queue.enqueue({
      ...queued,
      settle: (outcome) => this.answers.settle(correlationId, outcome),
    })
    return answer
  }

  async addRpcSubscriber(handler: RpcHandler, identifier: string = uuidv4()) {
    this.refuseIfClosed('addRpcSubscriber')
    if (this.bus.rpcByIdentifier.has(identifier))
      throw new DuplicateSubscriberError(identifier, 'RPC')
    this.rpcSubscribers.add(identifier)
    this.bus.rpcByIdentifier.set(identifier, {
      id: uuidv4(),
      owner: this.owner,
      identifier,
      handler,
    })
    return identifier
  }

  async removeRpcSubscriber(identifier: string) {
    this.refuseIfClosed('removeRpcSubscriber')
    if (!this.rpcSubscribers.delete(identifier)) throw new UnknownSubscriberError(identifier, 'RPC')
    this.bus.rpcByIdentifier.delete(identifier)
  }

  async rpcSend(recipientId: string, message: unknown) {
    this.refuseIfClosed('rpcSend')
    const body = copyThroughJson(message, 'the RPC message', this.maxBytes)
    const correlationId = uuidv4()
    const answer = this.answers.expect(correlationId)
    setImmediate(() => {
      const subscriber = this.bus.rpcByIdentifier.get(recipientId)
      if (subscriber === undefined) {
        this.answers.settle(correlationId, unroutable(`no RPC subscriber for '${recipientId}'`))
        return
      }
      void runHandler(() => subscriber.handler(body, { messageId: correlationId })).then(
        (result) => {
          this.answers.settle(correlationId, copyOutcome(asOutcome(result), this.maxBytes))
        },
      )
    })
    return answer
  }

  async addBroadcastSubscriber(
    handler: BroadcastHandler,
    filter: BroadcastFilterOptions = {},
    identifier: string = uuidv4(),
  ) {
    this.refuseIfClosed('addBroadcastSubscriber')
    const matches = broadcastPredicate(filter)
    if (this.broadcastSubscribers.has(identifier))
      throw new DuplicateSubscriberError(identifier, 'broadcast')
    const id = uuidv4()
    this.broadcastSubscribers.set(identifier, id)
    this.bus.broadcasts.set(id, { id, owner: this.owner, handler, matches })
    return identifier
  }

  async removeBroadcastSubscriber(identifier: string) {
    this.refuseIfClosed('removeBroadcastSubscriber')
    const id = this.broadcastSubscribers.get(identifier)
    if (id === undefined) throw new UnknownSubscriberError(identifier, 'broadcast')
    this.broadcastSubscribers.delete(identifier)
    this.bus.broadcasts.delete(id)
  }

  async broadcastSend(body: unknown, options: BroadcastSendOptions = {}) {
    this.refuseIfClosed('broadcastSend')
    const text = toJsonText(body, 'the broadcast', this.maxBytes)
    const { sender, subject, correlationId } = options
    setImmediate(() => {
      for (const subscriber of [...this.bus.broadcasts.values()]) {
        const message: BroadcastMessage = {
          body: text === undefined ? undefined : (JSON.parse(text) as unknown),
          sender,
          subject,
          correlationId,
        }
        if (!subscriber.matches(message)) continue
        void runHandler(() => subscriber.handler(message)).then((result) => {
          if (result._tag === 'Failed') {
            this.logger.warn(
              `broadcast subscriber ${subscriber.id} threw ${result.error.name}: ${result.error.message}`,
            )
          }
        })
      }
    })
  }

  async close() {
    if (this.closed) return
    this.closed = true
    // Like a worker whose connection drops: tasks held unacknowledged go back to the queue.
    for (const queue of this.bus.allQueues()) queue.releaseOwner(this.owner)
    this.taskSubscribers.clear()
    for (const identifier of this.rpcSubscribers) this.bus.rpcByIdentifier.delete(identifier)
    this.rpcSubscribers.clear()
    for (const id of this.broadcastSubscribers.values()) this.bus.broadcasts.delete(id)
    this.broadcastSubscribers.clear()
    this.answers.failAll(() => new CommunicatorClosedError('waiting for an answer'))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  isClosed(): boolean {
    return this.closed
  }

  private refuseIfClosed(operation: string): void {
    if (this.closed) throw new CommunicatorClosedError(operation)
  }
}
