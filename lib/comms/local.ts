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
  type TaskSendOptions,
  type TaskSubscriberOptions,
} from './communicator.js'
import { CommunicatorClosedError, DuplicateSubscriberError, TaskRejected } from './errors.js'
import { broadcastPredicate } from './filters.js'
import { LocalBus } from './local/bus.js'
import {
  copyOutcome,
  copyThroughJson,
  failed,
  REJECTED,
  runHandler,
  toJsonText,
  unroutable,
} from './outcome.js'
import { PendingAnswers } from './pending.js'

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
  private readonly taskSubscribers = new Set<string>()
  private readonly rpcSubscribers = new Map<string, string>()
  private readonly broadcastSubscribers = new Set<string>()
  private closed = false

  constructor(options: LocalCommunicatorOptions = {}) {
    this.bus = options.bus ?? new LocalBus()
    this.logger = options.logger ?? consoleLogger
    this.maxBytes = maxMessageBytesOf(options.maxMessageBytes)
  }

  async addTaskSubscriber(handler: TaskHandler, options: TaskSubscriberOptions = {}) {
    this.refuseIfClosed('addTaskSubscriber')
    const id = uuidv4()
    const slots = taskSlots(options)
    this.taskSubscribers.add(id)
    this.bus.tasks.subscribe({
      id,
      owner: this.owner,
      handler,
      slots,
      maxMessageBytes: this.maxBytes,
    })
    return id
  }

  async removeTaskSubscriber(id: string) {
    this.refuseIfClosed('removeTaskSubscriber')
    if (this.taskSubscribers.delete(id)) this.bus.tasks.unsubscribe(id)
  }

  async taskSend(task: unknown, options: TaskSendOptions = {}) {
    this.refuseIfClosed('taskSend')
    const text = toJsonText(task, 'the task', this.maxBytes)
    const queued = { text, redelivered: false, rejectedBy: new Set<string>() }
    if (options.noReply === true) {
      this.bus.tasks.enqueue({ ...queued, settle: undefined })
      return undefined
    }
    const correlationId = uuidv4()
    const answer = this.answers.expect(correlationId)
    this.bus.tasks.enqueue({
      ...queued,
      settle: (outcome) => this.answers.settle(correlationId, outcome),
    })
    return answer
  }

  async addRpcSubscriber(handler: RpcHandler, identifier: string) {
    this.refuseIfClosed('addRpcSubscriber')
    if (this.bus.rpcByIdentifier.has(identifier)) throw new DuplicateSubscriberError(identifier)
    const id = uuidv4()
    this.rpcSubscribers.set(id, identifier)
    this.bus.rpcByIdentifier.set(identifier, { id, owner: this.owner, identifier, handler })
    return id
  }

  async removeRpcSubscriber(id: string) {
    this.refuseIfClosed('removeRpcSubscriber')
    this.dropRpcSubscriber(id)
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
          const outcome =
            result === REJECTED ? failed(new TaskRejected()) : copyOutcome(result, this.maxBytes)
          this.answers.settle(correlationId, outcome)
        },
      )
    })
    return answer
  }

  async addBroadcastSubscriber(handler: BroadcastHandler, options: BroadcastFilterOptions = {}) {
    this.refuseIfClosed('addBroadcastSubscriber')
    const matches = broadcastPredicate(options)
    const id = uuidv4()
    this.broadcastSubscribers.add(id)
    this.bus.broadcasts.set(id, { id, owner: this.owner, handler, matches })
    return id
  }

  async removeBroadcastSubscriber(id: string) {
    this.refuseIfClosed('removeBroadcastSubscriber')
    if (this.broadcastSubscribers.delete(id)) this.bus.broadcasts.delete(id)
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
          if (result !== REJECTED && result._tag === 'Failed') {
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
    this.bus.tasks.releaseOwner(this.owner)
    this.taskSubscribers.clear()
    for (const id of [...this.rpcSubscribers.keys()]) this.dropRpcSubscriber(id)
    for (const id of this.broadcastSubscribers) this.bus.broadcasts.delete(id)
    this.broadcastSubscribers.clear()
    this.answers.failAll(() => new CommunicatorClosedError('waiting for an answer'))
  }

  isClosed(): boolean {
    return this.closed
  }

  private dropRpcSubscriber(id: string): void {
    const identifier = this.rpcSubscribers.get(id)
    if (identifier === undefined) return
    this.rpcSubscribers.delete(id)
    if (this.bus.rpcByIdentifier.get(identifier)?.id === id) {
      this.bus.rpcByIdentifier.delete(identifier)
    }
  }

  private refuseIfClosed(operation: string): void {
    if (this.closed) throw new CommunicatorClosedError(operation)
  }
}
