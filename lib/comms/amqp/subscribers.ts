/**
 * The subscriptions of an AMQP communicator, independent of any connection: the truth from
 * which every new session is built after a reconnection. Identifiers are unique per kind on a
 * communicator.
 */
import type { BroadcastHandler, BroadcastMessage, RpcHandler } from '../communicator.js'
import { inboxBindings } from './broadcast-routing.js'
import type { Registry } from './session.js'
import type { TaskSubscription } from './task-consumer.js'

/** A broadcast subscriber with its compiled filters. */
export interface BroadcastSubscription {
  readonly handler: BroadcastHandler
  readonly matches: (message: BroadcastMessage) => boolean
  /** What the inbox binds for it on the broadcast exchange (see `broadcast-routing.ts`). */
  readonly bindingKey: string
}

/** Task, RPC and broadcast subscribers by identifier. */
export class Subscribers {
  readonly tasks = new Map<string, TaskSubscription>()
  readonly broadcasts = new Map<string, BroadcastSubscription>()
  /** RPC handlers by the identifier they serve. */
  readonly rpc = new Map<string, RpcHandler>()

  /** The binding keys the broadcast subscribers need (none without subscribers). */
  broadcastKeys(): ReadonlySet<string> {
    return inboxBindings([...this.broadcasts.values()].map(({ bindingKey }) => bindingKey))
  }

  /** What a new session must restore. */
  registry(): Registry {
    return {
      tasks: new Map(this.tasks),
      rpcIdentifiers: [...this.rpc.keys()],
      broadcastKeys: this.broadcastKeys(),
    }
  }
}
