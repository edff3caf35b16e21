/**
 * A named task queue on RabbitMQ, as the pull API (`Communicator.taskQueue`) sees it: a durable
 * queue `<prefix>.queue.<name>`, declared by whoever sends or pulls first, tasks taken with
 * `basic.get` on the connection's pulling channel, answered like any task (reply first, then
 * acknowledge: a taker that dies in between causes a redelivery, never a lost answer).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Logger } from '../../runtime/environment.js'
import type { TaskSendOptions } from '../communicator.js'
import { MessageTooLargeError } from '../errors.js'
import { describeOrigin } from '../messages.js'
import { failed, type Outcome } from '../outcome.js'
import type { TakenTask, TaskSource } from '../task-queue.js'
import type { Session } from './session.js'
import { decodeTask, originOf, replyAddressOf, type ReplyAddress } from './wire.js'

/** What a task source needs from its communicator. */
export interface TaskSourceHooks {
  /** The live session (waiting for one while reconnecting). */
  readonly session: (operation: string) => Promise<Session>
  /** Sends a task to the queue. */
  readonly send: (task: unknown, options: TaskSendOptions) => Promise<unknown>
  /** Sends an outcome to a sender, over whatever connection is live. */
  readonly reply: (address: ReplyAddress, outcome: Outcome) => Promise<void>
  readonly logger: Logger
  /** The largest task taken, in bytes: a larger one is refused unread. */
  readonly maxMessageBytes: number
}

/** The task source of the queue `queue` (the broker's name), known to users as `name`. */
export const amqpTaskSource = (name: string, queue: string, hooks: TaskSourceHooks): TaskSource => {
  const take = async (): Promise<TakenTask | undefined> => {
    for (;;) {
      const session = await hooks.session('taskQueue.next')
      await session.declareQueue(queue)
      const channel = await session.pullChannel()
      const message = await channel.get(queue)
      if (message === undefined) return undefined
      const decoded = decodeTask(message, hooks.maxMessageBytes)
      if (E.isLeft(decoded)) {
        // Dropped for good, as a consumer does: it would come back at the head forever.
        const refusal = decoded.left
        const kind = refusal instanceof MessageTooLargeError ? 'oversized' : 'malformed'
        hooks.logger.error(
          `${kind} task in ${queue} rejected for good: ${refusal.message}` +
            describeOrigin(originOf(message)),
        )
        channel.nack(message, false)
        const address = replyAddressOf(message)
        if (address !== undefined) await hooks.reply(address, failed(refusal))
        continue
      }
      const { body, address } = decoded.right
      let settled = false
      return {
        body,
        redelivered: message.fields.redelivered,
        awaited: address !== undefined,
        answer: async (outcome) => {
          if (settled) return
          settled = true
          if (address !== undefined) await hooks.reply(address, outcome)
          channel.ack(message)
        },
        requeue: async () => {
          if (settled) return
          settled = true
          channel.nack(message, true)
        },
      }
    }
  }
  return { name, send: hooks.send, take }
}
