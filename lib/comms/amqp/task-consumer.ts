/**
 * One task subscriber on one connection: a channel of its own, whose prefetch is the
 * subscriber's slot count (RabbitMQ applies prefetch per channel consumer), consuming the
 * durable task queue with manual acknowledgement.
 *
 * For each delivery: decode (a malformed message, or one over `maxMessageBytes`, which is not
 * even parsed, is logged and dropped for good: nack without requeue, so it cannot come back and
 * poison the queue; a sender that gave a reply address gets the reason); run the handler; send the outcome to
 * the sender; then acknowledge. Replying before acknowledging means a worker that dies in
 * between causes a redelivery (the sender keeps the first answer), never a lost answer.
 * `TaskRejected` nacks with requeue (after a short pause), so the broker offers the task to
 * another consumer. A rejection with an answer for when nobody takes the task
 * (`ifNobodyTakesIt`) queues the task again with the rejecter's uid in its envelope, or, when
 * every consumer of the queue has rejected it (the broker counts them), sends that answer; a
 * consumer that meets a task it rejected before does not run its handler again.
 *
 * A channel of its own also confines the broker's `consumer_timeout` (which closes the channel
 * of a consumer that holds a delivery too long) to this subscriber: `lost` restores it.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib'
import * as E from 'fp-ts/lib/Either.js'
import type { Logger } from '../../runtime/environment.js'
import type { TaskHandler } from '../communicator.js'
import { MessageTooLargeError, TaskRejected } from '../errors.js'
import { failed, runHandler, type Outcome, type RemoteFailure } from '../outcome.js'
import { describeOrigin } from '../messages.js'
import {
  decodeTask,
  originOf,
  replyAddressOf,
  type ReplyAddress,
  type TaskEnvelope,
  type TaskMessage,
  type TaskRejections,
} from './wire.js'

/**
 * How long a rejected task stays with its subscriber before going back to the queue. The broker
 * requeues at once and may offer the task to the same subscriber again: without a pause, a
 * task that every subscriber rejects would bounce thousands of times a second.
 */
const REQUEUE_DELAY_MS = 50

/** A registered task subscriber. */
export interface TaskSubscription {
  readonly handler: TaskHandler
  readonly slots: number
  /** Names it, uniquely on the broker, in the tasks it rejects. */
  readonly uid: string
}

/** What a consumer needs from its communicator. */
export interface TaskConsumerHooks {
  readonly logger: Logger
  /** Sends an outcome to a sender (over whatever connection is current). */
  readonly reply: (address: ReplyAddress, outcome: Outcome) => void
  /** The channel closed or the consumer was cancelled by the broker, not by us. */
  readonly lost: () => void
  /** Queues a task (persistently) whose answer goes to `address` (none if undefined). */
  readonly forward: (task: TaskEnvelope, address: ReplyAddress | undefined) => Promise<void>
  /** The largest task taken, in bytes: a larger one is refused unread. */
  readonly maxMessageBytes: number
}

/** A running consumer of the task queue for one subscriber. */
export class TaskConsumer {
  private stopping = false
  private inFlight = 0
  private consumerTag: string | undefined

  private constructor(
    private readonly channel: Channel,
    private readonly queue: string,
    private readonly subscription: TaskSubscription,
    private readonly hooks: TaskConsumerHooks,
  ) {}

  static async start(
    model: ChannelModel,
    queue: string,
    subscription: TaskSubscription,
    hooks: TaskConsumerHooks,
  ): Promise<TaskConsumer> {
    const channel = await model.createChannel()
    channel.on('error', (error: Error) => hooks.logger.warn(`task channel: ${error.message}`))
    const consumer = new TaskConsumer(channel, queue, subscription, hooks)
    channel.on('close', () => {
      if (!consumer.stopping) hooks.lost()
    })
    await channel.prefetch(subscription.slots)
    const reply = await channel.consume(queue, (message) => consumer.receive(message), {
      noAck: false,
    })
    consumer.consumerTag = reply.consumerTag
    return consumer
  }

  /**
   * Takes no more tasks; those in hand run to the end and are acknowledged, then the channel
   * closes (closing it at once would requeue them while their handlers still run).
   */
  async stop(): Promise<void> {
    this.stopping = true
    if (this.consumerTag !== undefined) {
      await this.channel.cancel(this.consumerTag).catch(() => undefined)
    }
    if (this.inFlight === 0) await this.channel.close().catch(() => undefined)
  }

  private receive(message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (the queue was deleted): the communicator sets things right.
      if (!this.stopping) this.hooks.lost()
      return
    }
    const decoded = decodeTask(message, this.hooks.maxMessageBytes)
    if (E.isLeft(decoded)) {
      const refusal = decoded.left
      const kind = refusal instanceof MessageTooLargeError ? 'oversized' : 'malformed'
      this.hooks.logger.error(
        `${kind} task rejected for good: ${refusal.message}${describeOrigin(originOf(message))}`,
      )
      this.settle(() => this.channel.nack(message, false, false))
      const address = replyAddressOf(message)
      if (address !== undefined) this.hooks.reply(address, failed(refusal))
      return
    }
    void this.handle(message, decoded.right)
  }

  private async handle(message: ConsumeMessage, task: TaskMessage) {
    this.inFlight += 1
    try {
      if (task.rejections?.rejectedBy.includes(this.subscription.uid) === true)
        await this.rejectAgain(message, task.address, task.rejections)
      else await this.run(message, task)
    } finally {
      this.inFlight -= 1
      if (this.stopping && this.inFlight === 0) await this.channel.close().catch(() => undefined)
    }
  }

  private async run(message: ConsumeMessage, task: TaskMessage) {
    const { body, address, rejections } = task
    let acked = false
    const ack = () => {
      if (acked) return
      acked = true
      this.settle(() => this.channel.ack(message))
    }
    let passedOn = false
    const passOn = async (next: unknown) => {
      if (passedOn) return
      passedOn = true
      // Queued before this task is acknowledged: a crash in between delivers both (the launcher
      // copes with a task for a process that exists), never neither.
      await this.hooks.forward({ _tag: 'Task', body: next }, address)
      ack()
    }
    const delivery = {
      // A task rejected before is queued again as a new message: it is a redelivery all the same.
      redelivered: message.fields.redelivered || rejections !== undefined,
      ...(address === undefined
        ? {}
        : { messageId: address.correlationId, sender: address.replyTo }),
      ack,
      passOn,
    }
    const result = await runHandler(() => this.subscription.handler(body, delivery))
    if (passedOn) ack()
    else if (result._tag === 'Rejected' && !acked) {
      if (result.ifNobodyTakesIt === undefined) await this.requeue(message)
      else {
        const rejectedBy = [...(rejections?.rejectedBy ?? []), this.subscription.uid]
        const ifNobodyTakesIt = result.ifNobodyTakesIt
        if (await this.everyoneRejected(rejectedBy)) this.answer(address, ifNobodyTakesIt)
        else await this.hooks.forward({ _tag: 'Task', body, rejectedBy, ifNobodyTakesIt }, address)
        ack()
      }
    } else {
      const outcome =
        result._tag === 'Rejected'
          ? failed(new TaskRejected('task rejected after it was acknowledged'))
          : result
      if (address !== undefined) this.hooks.reply(address, outcome)
      ack()
    }
  }

  /**
   * A task this subscriber rejected before, with an answer for when nobody takes it: the answer
   * if every consumer has rejected it, else back to the queue for the others.
   */
  private async rejectAgain(
    message: ConsumeMessage,
    address: ReplyAddress | undefined,
    rejections: TaskRejections,
  ) {
    if (!(await this.everyoneRejected(rejections.rejectedBy))) return this.requeue(message)
    this.answer(address, rejections.ifNobodyTakesIt)
    this.settle(() => this.channel.ack(message))
  }

  /**
   * Whether at least as many subscribers rejected the task as the queue has consumers. The
   * broker's count is all it knows: a rejecter gone and replaced meanwhile counts as one of them.
   */
  private async everyoneRejected(rejectedBy: ReadonlyArray<string>): Promise<boolean> {
    try {
      const { consumerCount } = await this.channel.checkQueue(this.queue)
      return consumerCount <= new Set(rejectedBy).size
    } catch {
      return false // the channel is gone: the broker puts the task back anyway
    }
  }

  private answer(address: ReplyAddress | undefined, error: RemoteFailure) {
    if (address !== undefined) this.hooks.reply(address, { _tag: 'Failed', error })
  }

  /** Back to the queue after a pause, for another consumer. */
  private async requeue(message: ConsumeMessage) {
    await new Promise((resolve) => setTimeout(resolve, REQUEUE_DELAY_MS))
    this.settle(() => this.channel.nack(message, false, true))
  }

  /**
   * Acknowledges on the channel the delivery came from. When that channel is gone (the
   * connection dropped) the broker has already requeued the task: nothing to do.
   */
  private settle(action: () => void): void {
    try {
      action()
    } catch (error) {
      this.hooks.logger.info(`task outcome not acknowledged, its channel is gone: ${String(error)}`)
    }
  }
}
