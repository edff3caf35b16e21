/** Options of the RabbitMQ communicator, and the names of the broker objects it uses. */
import type { ChannelModel } from 'amqplib'
import type { Logger } from '../../runtime/environment.js'

/** How the communicator reconnects after the connection drops (exponential backoff). */
export interface ReconnectOptions {
  /** Delay before the first reconnection attempt (default 100 ms). */
  readonly initialDelayMs?: number
  /** Longest delay between attempts (default 5,000 ms). */
  readonly maxDelayMs?: number
  /**
   * Attempts before giving up once connected at least once (default: never give up). When it
   * gives up, the communicator closes itself and every waiting send rejects.
   */
  readonly maxRetries?: number
  /** Attempts for the very first connection before `connect` rejects (default 0: fail fast). */
  readonly initialRetries?: number
}

/** Options of `AmqpCommunicator.connect`. */
export interface AmqpCommunicatorOptions {
  /**
   * Prefix of the exchanges (`<prefix>.rpc`, `<prefix>.broadcast`), of the default task queue
   * and of the named task queues (`<prefix>.queue.<name>`) (default `plumpy`). Communicators
   * talk to each other only on the same prefix.
   */
  readonly prefix?: string
  /** The durable task queue (default `<prefix>.tasks`, so `plumpy.tasks`). */
  readonly taskQueue?: string
  /** Reconnection policy. */
  readonly reconnect?: ReconnectOptions
  /** Where malformed messages, disconnections and failing broadcast handlers are reported. */
  readonly logger?: Logger
  /**
   * The largest message sent or taken, in bytes of JSON (default `DEFAULT_MAX_MESSAGE_BYTES`,
   * 4 MiB). A larger one is refused with `MessageTooLargeError`: before it is published, or,
   * received, on its length alone, before it is parsed (a task or an RPC is answered with the
   * refusal, a broadcast dropped, each logged). amqplib still reads the whole message off the
   * socket first: bound what the broker accepts with RabbitMQ's own `max_message_size` too.
   */
  readonly maxMessageBytes?: number
  /**
   * Called with each new connection once topology and subscribers are in place (diagnostics,
   * tests). The connection belongs to the communicator: do not close it.
   */
  readonly onConnect?: (connection: ChannelModel) => void
}

/** The broker objects of one prefix. */
export interface Topology {
  readonly taskQueue: string
  /** Direct exchange: RPC routing key = recipient identifier. */
  readonly rpcExchange: string
  /**
   * Topic exchange: routing key = the broadcast's subject; an inbox is bound with the subject
   * prefixes its broadcast subscribers ask for (`broadcast-routing.ts`).
   */
  readonly broadcastExchange: string
  /** The durable queue of the pull API's task queue `name` (`Communicator.taskQueue`). */
  readonly namedQueue: (name: string) => string
}

/** The names used for a set of options. */
export const topologyOf = (options: AmqpCommunicatorOptions): Topology => {
  const prefix = options.prefix ?? 'plumpy'
  return {
    taskQueue: options.taskQueue ?? `${prefix}.tasks`,
    rpcExchange: `${prefix}.rpc`,
    broadcastExchange: `${prefix}.broadcast`,
    namedQueue: (name) => `${prefix}.queue.${name}`,
  }
}

/** A URL fit for a log line: the password replaced by `***`. */
export const redactUrl = (url: string): string => url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@')
