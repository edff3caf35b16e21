/**
 * The receiving half of an AMQP communicator: what to do with what arrives in the inbox
 * (replies settle our sends, RPCs run their handler, broadcasts reach the matching
 * subscribers), what to do with what it refuses (malformed, or over `maxMessageBytes`), and how
 * answers are encoded before they go back.
 */
import type { Logger } from '../../runtime/environment.js'
import type { BroadcastMessage } from '../communicator.js'
import { InvalidMessageError, MessageTooLargeError } from '../errors.js'
import { describeOrigin } from '../messages.js'
import { asOutcome, failed, runHandler, unroutable, type Outcome } from '../outcome.js'
import type { PendingAnswers } from '../pending.js'
import type { Subscribers } from './subscribers.js'
import {
  encodeEnvelope,
  originOf,
  replyAddressOf,
  type InboxKind,
  type InboxMessage,
  type RawMessage,
  type ReplyAddress,
} from './wire.js'

/** Sends encoded answers over whatever connection is live. */
export type AnswerSender = (address: ReplyAddress, content: Buffer) => Promise<void>

/** Dispatches inbox messages to subscribers and pending sends. */
export class Dispatcher {
  constructor(
    private readonly subscribers: Subscribers,
    private readonly answers: PendingAnswers,
    private readonly logger: Logger,
    private readonly send: AnswerSender,
    /** The largest answer sent back, in bytes. */
    private readonly maxBytes: number,
  ) {}

  /** Handles one decoded inbox message; `routingKey` is the RPC recipient identifier. */
  receive(message: InboxMessage, routingKey: string): void {
    switch (message._tag) {
      case 'Reply':
        if (!this.answers.settle(message.correlationId, message.outcome)) {
          this.logger.info(`late or unknown reply ${message.correlationId} ignored`)
        }
        return
      case 'Rpc':
        void this.answerRpc(routingKey, message.body, message.address)
        return
      case 'Broadcast':
        this.deliverBroadcast(message.message)
        return
      default:
        return message satisfies never
    }
  }

  /**
   * A message of the inbox that was not read (malformed, or too large to parse): logged, and its
   * sender, when one waits, answered with the reason rather than left waiting. A refused reply
   * settles our own send with the reason.
   */
  refuse(kind: InboxKind, raw: RawMessage, refusal: InvalidMessageError): void {
    const adjective = refusal instanceof MessageTooLargeError ? 'oversized' : 'malformed'
    const why = `${refusal.message}${describeOrigin(originOf(raw))}`
    switch (kind) {
      case 'Rpc': {
        this.logger.error(`${adjective} RPC refused: ${why}`)
        const address = replyAddressOf(raw)
        if (address !== undefined) void this.reply(address, failed(refusal))
        return
      }
      case 'Reply': {
        const id = raw.properties.correlationId
        const settled = typeof id === 'string' && this.answers.settle(id, failed(refusal))
        this.logger.error(`${adjective} reply ${settled ? 'refused' : 'dropped'}: ${why}`)
        return
      }
      case 'Broadcast':
        this.logger.error(`${adjective} broadcast dropped: ${why}`)
        return
      default:
        return kind satisfies never
    }
  }

  /**
   * Sends an outcome back to its sender. A result that is not JSON, or too large, goes back as a
   * failure the sender can read, rather than as nothing.
   */
  async reply(address: ReplyAddress, outcome: Outcome): Promise<void> {
    let content: Buffer
    try {
      content = encodeEnvelope({ _tag: 'Reply', outcome }, this.maxBytes)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const refusal =
        error instanceof MessageTooLargeError
          ? new MessageTooLargeError('the result', error.bytes, error.limit)
          : new InvalidMessageError(`the result is not JSON (${reason})`)
      content = encodeEnvelope({ _tag: 'Reply', outcome: failed(refusal) }, this.maxBytes)
    }
    await this.send(address, content)
  }

  private async answerRpc(identifier: string, body: unknown, address: ReplyAddress) {
    const handler = this.subscribers.rpc.get(identifier)
    if (handler === undefined) {
      // Unsubscribed while the message was on its way.
      await this.reply(address, unroutable(`no RPC subscriber for '${identifier}'`))
      return
    }
    const origin = { messageId: address.correlationId, sender: address.replyTo }
    const result = await runHandler(() => handler(body, origin))
    await this.reply(address, asOutcome(result))
  }

  private deliverBroadcast(message: BroadcastMessage): void {
    for (const [id, { handler, matches }] of this.subscribers.broadcasts) {
      if (!matches(message)) continue
      void runHandler(() => handler(message)).then((result) => {
        if (result._tag === 'Failed') {
          const { name, message: text } = result.error
          this.logger.warn(`broadcast subscriber ${id} threw ${name}: ${text}`)
        }
      })
    }
  }
}
