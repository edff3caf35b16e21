/**
 * The in-process stand-in for a broker: the state that several {@link LocalCommunicator}s share
 * so that they can talk to each other, as several workers share one RabbitMQ.
 */
import type { BroadcastHandler, BroadcastMessage, RpcHandler } from '../communicator.js'
import { LocalTaskQueue } from './task-queue.js'

/** An RPC subscriber registered on the bus. */
export interface LocalRpcSubscriber {
  readonly id: string
  readonly owner: string
  readonly identifier: string
  readonly handler: RpcHandler
}

/** A broadcast subscriber registered on the bus. */
export interface LocalBroadcastSubscriber {
  readonly id: string
  readonly owner: string
  readonly handler: BroadcastHandler
  readonly matches: (message: BroadcastMessage) => boolean
}

/**
 * Shared queues and registries. Create one and pass it to every `LocalCommunicator` that should
 * see the others' messages; a communicator created without a bus gets one of its own.
 *
 * @example
 * const bus = new LocalBus()
 * const worker = new LocalCommunicator({ bus })
 * const client = new LocalCommunicator({ bus })
 */
export class LocalBus {
  /** Tasks and task subscribers. */
  readonly tasks = new LocalTaskQueue()
  private readonly named = new Map<string, LocalTaskQueue>()
  /** RPC subscribers by identifier: identifiers are unique on a bus. */
  readonly rpcByIdentifier = new Map<string, LocalRpcSubscriber>()
  /** Broadcast subscribers in subscription order. */
  readonly broadcasts = new Map<string, LocalBroadcastSubscriber>()

  /** The task queue `name` of the pull API (see `Communicator.taskQueue`), made on first use. */
  namedQueue(name: string): LocalTaskQueue {
    let queue = this.named.get(name)
    if (queue === undefined) {
      queue = new LocalTaskQueue()
      this.named.set(name, queue)
    }
    return queue
  }

  /** Every queue of the bus, to put back what a closing communicator holds. */
  allQueues(): LocalTaskQueue[] {
    return [this.tasks, ...this.named.values()]
  }
}
