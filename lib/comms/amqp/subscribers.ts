/**
 * The subscriptions of an AMQP communicator, independent of any connection: the truth from
 * which every new session is built after a reconnection.
 */
import { v4 as uuidv4 } from 'uuid'
import type { BroadcastHandler, BroadcastMessage, RpcHandler } from '../communicator.js'
import type { Registry } from './session.js'
import type { TaskSubscription } from './task-consumer.js'

/** A broadcast subscriber with its compiled filters. */
export interface BroadcastSubscription {
  readonly handler: BroadcastHandler
  readonly matches: (message: BroadcastMessage) => boolean
}

interface RpcSubscription {
  readonly identifier: string
  readonly handler: RpcHandler
}

/** Task, RPC and broadcast subscribers by id. */
export class Subscribers {
  readonly tasks = new Map<string, TaskSubscription>()
  readonly broadcasts = new Map<string, BroadcastSubscription>()
  private readonly rpcById = new Map<string, RpcSubscription>()
  private readonly rpcIdByIdentifier = new Map<string, string>()

  /** Registers an RPC handler; `undefined` when the identifier is taken. */
  addRpc(handler: RpcHandler, identifier: string): string | undefined {
    if (this.rpcIdByIdentifier.has(identifier)) return undefined
    const id = uuidv4()
    this.rpcById.set(id, { identifier, handler })
    this.rpcIdByIdentifier.set(identifier, id)
    return id
  }

  /** Unregisters an RPC handler; returns its identifier, `undefined` for an unknown id. */
  removeRpc(id: string): string | undefined {
    const subscription = this.rpcById.get(id)
    if (subscription === undefined) return undefined
    this.rpcById.delete(id)
    this.rpcIdByIdentifier.delete(subscription.identifier)
    return subscription.identifier
  }

  hasRpcIdentifier(identifier: string): boolean {
    return this.rpcIdByIdentifier.has(identifier)
  }

  /** The handler serving `identifier`, if any. */
  rpcHandler(identifier: string): RpcHandler | undefined {
    const id = this.rpcIdByIdentifier.get(identifier)
    return id === undefined ? undefined : this.rpcById.get(id)?.handler
  }

  /** What a new session must restore. */
  registry(): Registry {
    return {
      tasks: new Map(this.tasks),
      rpcIdentifiers: [...this.rpcIdByIdentifier.keys()],
      wantsBroadcasts: this.broadcasts.size > 0,
    }
  }
}
