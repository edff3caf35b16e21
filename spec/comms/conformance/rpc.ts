/** Conformance cases: RPC. Part of `communicatorConformance` (../conformance.ts). */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Communicator } from '../../../lib/comms/communicator.js'
import {
  DuplicateSubscriberError,
  RemoteError,
  UnroutableError,
} from '../../../lib/comms/errors.js'
import { rejectionOf } from '../helpers.js'
import type { Peers } from './peers.js'

/** Declares the RPC cases; `peers.current()` gives the pair of the running test. */
export const rpcCases = (peers: Peers): void => {
  describe('RPC', () => {
    let a: Communicator
    let b: Communicator
    beforeEach(() => {
      ;({ a, b } = peers.current())
    })

    it('calls the subscriber registered under an identifier on the other communicator', async () => {
      await b.addRpcSubscriber(async (message) => ({ echo: message }), 'pid-1')
      expect(await a.rpcSend('pid-1', { intent: 'status' })).toEqual({
        echo: { intent: 'status' },
      })
    })

    it('rejects a call to an unknown recipient as unroutable', async () => {
      expect(await rejectionOf(a.rpcSend('nobody', 'hello'))).toBeInstanceOf(UnroutableError)
    })

    it('sends a subscriber exception to the sender as a RemoteError with its message', async () => {
      await b.addRpcSubscriber(() => {
        throw new Error('cannot pause a finished process')
      }, 'pid-2')
      const error = await rejectionOf(a.rpcSend('pid-2', { intent: 'pause' }))
      expect(error).toBeInstanceOf(RemoteError)
      expect((error as RemoteError).message).toBe('cannot pause a finished process')
    })

    it('resolves results that are Promises', async () => {
      await b.addRpcSubscriber(
        () => new Promise((resolve) => setTimeout(() => resolve(Promise.resolve(true)), 20)),
        'pid-3',
      )
      expect(await a.rpcSend('pid-3', { intent: 'play' })).toBe(true)
    })

    it('refuses a second subscriber for an identifier it already serves', async () => {
      await b.addRpcSubscriber(() => 1, 'pid-4')
      const error = await rejectionOf(b.addRpcSubscriber(() => 2, 'pid-4'))
      expect(error).toBeInstanceOf(DuplicateSubscriberError)
      expect(await a.rpcSend('pid-4', null)).toBe(1)
    })
  })
}
