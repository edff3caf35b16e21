/**
 * The one suite every communicator passes. Each transport's spec calls
 * `communicatorConformance` with a factory for two communicators on the same bus or broker, so
 * that every message crosses from one to the other. The cases live in `conformance/`.
 */
import { afterEach, beforeEach, describe } from 'vitest'
import type { Communicator } from '../../lib/comms/communicator.js'
import { broadcastCases } from './conformance/broadcasts.js'
import type { Peers } from './conformance/peers.js'
import { closeCases } from './conformance/close.js'
import { controllerCases } from './conformance/controller.js'
import { limitCases } from './conformance/limits.js'
import { rejectionCases } from './conformance/rejections.js'
import { rpcCases } from './conformance/rpc.js'
import { subscriptionCases } from './conformance/subscriptions.js'
import { taskQueueCases } from './conformance/task-queues.js'
import { taskCases } from './conformance/tasks.js'

/** Two communicators that reach each other, and how to get rid of them. */
export interface CommunicatorPair {
  readonly a: Communicator
  readonly b: Communicator
  /** Closes both and removes what they left behind (queues, exchanges). */
  readonly cleanup: () => Promise<void>
}

/** Declares the conformance suite for one transport. */
export const communicatorConformance = (
  name: string,
  make: () => Promise<CommunicatorPair>,
): void => {
  describe(`${name} (communicator conformance)`, () => {
    let pair: CommunicatorPair | undefined
    const peers: Peers = {
      current: () => {
        if (pair === undefined) throw new Error('no communicators: make() failed')
        return pair
      },
    }
    beforeEach(async () => {
      pair = await make()
    })
    afterEach(async () => {
      await pair?.cleanup()
      pair = undefined
    })
    closeCases(peers)
    taskCases(peers)
    rejectionCases(peers)
    taskQueueCases(peers)
    rpcCases(peers)
    broadcastCases(peers)
    subscriptionCases(peers)
    controllerCases(peers)
    limitCases(peers)
  })
}
