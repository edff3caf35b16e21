/**
 * The publishing channel of one connection: publisher confirms for everything we wait on, and
 * `mandatory` publishes whose `basic.return` (no queue bound for the routing key) becomes an
 * `UnroutableError`. RabbitMQ sends the return before the confirm of the same message, so by
 * the time the confirm arrives we know whether it was returned.
 */
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib'
import { v4 as uuidv4 } from 'uuid'
import type { Logger } from '../../runtime/environment.js'
import { ConnectionLostError } from '../errors.js'

/** What a confirmed publish needs beyond the content. */
export interface PublishOptions {
  readonly persistent?: boolean
  readonly correlationId?: string
  readonly replyTo?: string
  /** Set: the message must reach a queue, or the publish rejects with this error. */
  readonly unroutable?: () => Error
}

/** One confirm channel; `lost` is called if it closes while the connection still lives. */
export class Publisher {
  private readonly returned = new Set<string>()
  private closing = false

  private constructor(
    /** The channel, also used to declare the topology. */
    readonly channel: ConfirmChannel,
    private readonly logger: Logger,
  ) {}

  static async open(model: ChannelModel, logger: Logger, lost: () => void): Promise<Publisher> {
    const channel = await model.createConfirmChannel()
    const publisher = new Publisher(channel, logger)
    channel.on('error', (error: Error) => logger.warn(`publishing channel: ${error.message}`))
    channel.on('return', (message: Message) => {
      const id: unknown = message.properties.messageId
      if (typeof id === 'string') publisher.returned.add(id)
    })
    channel.on('close', () => {
      if (!publisher.closing) lost()
    })
    return publisher
  }

  /**
   * Publishes and resolves once the broker confirms. Rejects with `ConnectionLostError` when
   * the channel closes first (the message may or may not have been routed), with the
   * `unroutable` error when a mandatory message was returned.
   */
  publish(exchange: string, routingKey: string, content: Buffer, options: PublishOptions) {
    const messageId = uuidv4()
    const { unroutable, ...properties } = options
    const what = `publishing to '${exchange || routingKey}'`
    return new Promise<void>((resolve, reject) => {
      const confirmed = (error: unknown) => {
        const wasReturned = this.returned.delete(messageId)
        if (error !== null && error !== undefined) {
          const message = error instanceof Error ? error.message : String(error)
          reject(
            message === 'channel closed'
              ? new ConnectionLostError(what, error)
              : new Error(`the broker refused the message (${what}): ${message}`),
          )
        } else if (wasReturned && unroutable !== undefined) reject(unroutable())
        else resolve()
      }
      try {
        this.channel.publish(
          exchange,
          routingKey,
          content,
          this.properties(properties, messageId, unroutable !== undefined),
          confirmed,
        )
      } catch (error) {
        // amqplib throws at once on a channel that is already closed.
        reject(new ConnectionLostError(what, error))
      }
    })
  }

  /** Publishes without waiting (replies): a failure is logged, the sender sees no answer. */
  send(exchange: string, routingKey: string, content: Buffer, correlationId: string): void {
    try {
      this.channel.publish(exchange, routingKey, content, {
        correlationId,
        contentType: 'application/json',
      })
    } catch (error) {
      this.logger.warn(`reply ${correlationId} not sent: ${String(error)}`)
    }
  }

  /** Closes the channel on purpose (no `lost` call). */
  async close(): Promise<void> {
    this.closing = true
    await this.channel.close().catch(() => undefined)
  }

  private properties(
    options: Omit<PublishOptions, 'unroutable'>,
    messageId: string,
    mandatory: boolean,
  ): Options.Publish {
    return { ...options, messageId, mandatory, contentType: 'application/json' }
  }
}
