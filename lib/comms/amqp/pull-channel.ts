/**
 * The channel a connection pulls tasks on (the pull API of task queues): `basic.get` with manual
 * acknowledgement. A task taken stays with this channel until it is acknowledged or put back;
 * if the channel (or the connection) closes first, the broker puts it back, marked redelivered.
 */
import type { Channel, ChannelModel, GetMessage } from 'amqplib'
import type { Logger } from '../../runtime/environment.js'

/** One pulling channel; `closed` is called when it closes, on purpose or not. */
export class PullChannel {
  private constructor(
    private readonly channel: Channel,
    private readonly logger: Logger,
  ) {}

  static async open(model: ChannelModel, logger: Logger, closed: () => void): Promise<PullChannel> {
    const channel = await model.createChannel()
    channel.on('error', (error: Error) => logger.warn(`pulling channel: ${error.message}`))
    channel.on('close', closed)
    return new PullChannel(channel, logger)
  }

  /** The task at the head of `queue`, or `undefined` when it is empty. */
  async get(queue: string): Promise<GetMessage | undefined> {
    const message = await this.channel.get(queue, { noAck: false })
    return message === false ? undefined : message
  }

  /** Acknowledges a task: it leaves the queue for good. */
  ack(message: GetMessage): void {
    this.settle(() => this.channel.ack(message))
  }

  /** Puts a task back (`requeue`), or drops it for good. */
  nack(message: GetMessage, requeue: boolean): void {
    this.settle(() => this.channel.nack(message, false, requeue))
  }

  /** When the channel is gone, the broker has already put the task back: nothing to do. */
  private settle(action: () => void): void {
    try {
      action()
    } catch (error) {
      this.logger.info(`pulled task not settled, its channel is gone: ${String(error)}`)
    }
  }
}
