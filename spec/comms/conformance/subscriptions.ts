/** Conformance cases: subscriptions. Part of `communicatorConformance` (../conformance.ts). */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Communicator } from '../../../lib/comms/communicator.js'
import { UnroutableError } from '../../../lib/comms/errors.js'
import { rejectionOf, sleep, waitFor } from '../helpers.js'
import { type Peers, QUIET_MS } from './peers.js'

/** Declares the subscriptions cases; `peers.current()` gives the pair of the running test. */
export const subscriptionCases = (peers: Peers): void => {
  describe('subscriptions', () => {
    let a: Communicator
    let b: Communicator
    beforeEach(() => {
      ;({ a, b } = peers.current())
    })

    it('removes and re-adds a task subscriber; the task waits in between', async () => {
      const taken: unknown[] = []
      const id = await b.addTaskSubscriber((task) => taken.push(task))
      await b.removeTaskSubscriber(id)
      const result = a.taskSend('while nobody listens')
      await sleep(QUIET_MS)
      expect(taken).toEqual([])
      await b.addTaskSubscriber((task) => `again: ${String(task)}`)
      expect(await result).toBe('again: while nobody listens')
    })

    it('removes and re-adds an RPC subscriber under the same identifier', async () => {
      const id = await b.addRpcSubscriber(() => 'first', 'pid-5')
      expect(await a.rpcSend('pid-5', null)).toBe('first')
      await b.removeRpcSubscriber(id)
      expect(await rejectionOf(a.rpcSend('pid-5', null))).toBeInstanceOf(UnroutableError)
      await b.addRpcSubscriber(() => 'second', 'pid-5')
      expect(await a.rpcSend('pid-5', null)).toBe('second')
    })

    it('removes and re-adds a broadcast subscriber', async () => {
      const seen: unknown[] = []
      const marker: unknown[] = []
      await a.addBroadcastSubscriber((m) => marker.push(m.body))
      const id = await b.addBroadcastSubscriber((m) => seen.push(m.body))
      await b.removeBroadcastSubscriber(id)
      await a.broadcastSend('missed')
      await waitFor('the marker', () => marker.length === 1)
      await sleep(QUIET_MS)
      await b.addBroadcastSubscriber((m) => seen.push(m.body))
      await a.broadcastSend('seen')
      await waitFor('the second broadcast', () => seen.length === 1)
      expect(seen).toEqual(['seen'])
    })

    it('ignores the removal of unknown or already removed ids', async () => {
      const id = await b.addTaskSubscriber(() => 1)
      await b.removeTaskSubscriber(id)
      await expect(b.removeTaskSubscriber(id)).resolves.toBeUndefined()
      await expect(b.removeRpcSubscriber('unknown')).resolves.toBeUndefined()
      await expect(b.removeBroadcastSubscriber('unknown')).resolves.toBeUndefined()
    })
  })
}
