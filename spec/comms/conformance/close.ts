/** Conformance cases: close. Part of `communicatorConformance` (../conformance.ts). */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Communicator } from '../../../lib/comms/communicator.js'
import { CommunicatorClosedError } from '../../../lib/comms/errors.js'
import { gate, rejectionOf } from '../helpers.js'
import type { Peers } from './peers.js'

/** Declares the close cases; `peers.current()` gives the pair of the running test. */
export const closeCases = (peers: Peers): void => {
  describe('close', () => {
    let a: Communicator
    let b: Communicator
    beforeEach(() => {
      ;({ a, b } = peers.current())
    })

    it('refuses every call once closed, and closing again is harmless', async () => {
      await a.close()
      expect(a.isClosed()).toBe(true)
      expect(b.isClosed()).toBe(false)
      const calls: readonly (() => Promise<unknown>)[] = [
        () => a.addTaskSubscriber(() => 1),
        () => a.removeTaskSubscriber('some-id'),
        () => a.taskSend('task'),
        () => a.taskSend('task', { noReply: true }),
        () => a.addRpcSubscriber(() => 1, 'recipient'),
        () => a.removeRpcSubscriber('some-id'),
        () => a.rpcSend('recipient', 'message'),
        () => a.addBroadcastSubscriber(() => undefined),
        () => a.removeBroadcastSubscriber('some-id'),
        () => a.broadcastSend('body'),
        async () => a.taskQueue('queue'),
      ]
      for (const call of calls) {
        expect(await rejectionOf(call())).toBeInstanceOf(CommunicatorClosedError)
      }
      await expect(a.close()).resolves.toBeUndefined()
    })

    it('refuses the task queues of a closed communicator', async () => {
      const queue = a.taskQueue('queue')
      await a.close()
      expect(await rejectionOf(queue.next())).toBeInstanceOf(CommunicatorClosedError)
      expect(await rejectionOf(queue.taskSend('task'))).toBeInstanceOf(CommunicatorClosedError)
    })

    it('rejects the sends still waiting for an answer', async () => {
      const reached = gate()
      await b.addRpcSubscriber(() => {
        reached.open()
        return new Promise(() => undefined)
      }, 'never-answers')
      const task = rejectionOf(a.taskSend('nobody takes this'))
      const rpc = rejectionOf(a.rpcSend('never-answers', 'hello'))
      await reached.opened
      await a.close()
      expect(await task).toBeInstanceOf(CommunicatorClosedError)
      expect(await rpc).toBeInstanceOf(CommunicatorClosedError)
    })
  })
}
