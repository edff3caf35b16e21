/** Conformance cases: subscriptions. Part of `communicatorConformance` (../conformance.ts). */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Communicator } from '../../../lib/comms/communicator.js'
import {
  CommunicatorClosedError,
  DuplicateSubscriberError,
  UnknownSubscriberError,
  UnroutableError,
} from '../../../lib/comms/errors.js'
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

    it('resolves to the identifier given, or to a fresh one, which removal takes', async () => {
      expect(await b.addTaskSubscriber(() => 1, 'tasks-1')).toBe('tasks-1')
      expect(await b.addRpcSubscriber(() => 1, 'rpc-1')).toBe('rpc-1')
      expect(await b.addBroadcastSubscriber(() => 1, {}, 'broadcasts-1')).toBe('broadcasts-1')
      const fresh = [
        await b.addTaskSubscriber(() => 2),
        await b.addRpcSubscriber(() => 2),
        await b.addBroadcastSubscriber(() => 2),
      ]
      expect(new Set(fresh).size).toBe(3)
      for (const id of fresh) expect(id).toMatch(/^[0-9a-f-]{36}$/)
      // A fresh RPC identifier is routable like a given one.
      expect(await a.rpcSend(fresh[1]!, null)).toBe(2)
      await b.removeTaskSubscriber('tasks-1')
      await b.removeRpcSubscriber('rpc-1')
      await b.removeBroadcastSubscriber('broadcasts-1')
      await b.removeTaskSubscriber(fresh[0]!)
      await b.removeRpcSubscriber(fresh[1]!)
      await b.removeBroadcastSubscriber(fresh[2]!)
      expect(await rejectionOf(a.rpcSend('rpc-1', null))).toBeInstanceOf(UnroutableError)
    })

    it('refuses an identifier the communicator already has, for each kind', async () => {
      await b.addTaskSubscriber(() => 1, 'same')
      await b.addBroadcastSubscriber(() => 1, {}, 'same')
      const task = await rejectionOf(b.addTaskSubscriber(() => 2, 'same'))
      expect(task).toBeInstanceOf(DuplicateSubscriberError)
      expect(task).toMatchObject({ kind: 'task', identifier: 'same' })
      const broadcast = await rejectionOf(b.addBroadcastSubscriber(() => 2, {}, 'same'))
      expect(broadcast).toMatchObject({ kind: 'broadcast', identifier: 'same' })
      // Kinds do not share identifiers, and another communicator has its own task subscribers.
      expect(await b.addRpcSubscriber(() => 'rpc', 'same')).toBe('same')
      expect(await a.addTaskSubscriber(() => 1, 'same')).toBe('same')
    })

    it('refuses the removal of an unknown or already removed identifier', async () => {
      const id = await b.addTaskSubscriber(() => 1)
      await b.removeTaskSubscriber(id)
      const again = await rejectionOf(b.removeTaskSubscriber(id))
      expect(again).toBeInstanceOf(UnknownSubscriberError)
      expect((again as Error).message).toBe(`no task subscriber with identifier '${id}' to remove`)
      expect(await rejectionOf(b.removeRpcSubscriber('unknown'))).toMatchObject({
        name: 'UnknownSubscriberError',
        kind: 'RPC',
        identifier: 'unknown',
      })
      expect(await rejectionOf(b.removeBroadcastSubscriber('unknown'))).toMatchObject({
        kind: 'broadcast',
      })
      // An identifier served by the other communicator is not this one's to remove.
      await a.addRpcSubscriber(() => 1, 'served-by-a')
      expect(await rejectionOf(b.removeRpcSubscriber('served-by-a'))).toBeInstanceOf(
        UnknownSubscriberError,
      )
      expect(await b.rpcSend('served-by-a', null)).toBe(1)
    })

    it('closes at the end of an `await using` block (Symbol.asyncDispose)', async () => {
      let escaped: Communicator | undefined
      {
        await using communicator = b
        escaped = communicator
        expect(communicator.isClosed()).toBe(false)
      }
      expect(escaped.isClosed()).toBe(true)
      expect(await rejectionOf(b.taskSend('after'))).toBeInstanceOf(CommunicatorClosedError)
    })
  })
}
