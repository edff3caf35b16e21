/**
 * Conformance cases: the size limit on messages and results, and tasks sent with a deadline for
 * being queued. Part of `communicatorConformance` (../conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_MAX_MESSAGE_BYTES, type Communicator } from '../../../lib/comms/communicator.js'
import { MessageTooLargeError, RemoteError } from '../../../lib/comms/errors.js'
import { rejectionOf } from '../helpers.js'
import type { Peers } from './peers.js'

/** A string whose JSON is a little over the default limit. */
const tooLarge = () => 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES + 10)

/** Declares the limits cases; `peers.current()` gives the pair of the running test. */
export const limitCases = (peers: Peers): void => {
  describe('limits', () => {
    let a: Communicator
    let b: Communicator
    beforeEach(() => {
      ;({ a, b } = peers.current())
    })

    it('refuses a task, an RPC or a broadcast over maxMessageBytes before sending it', async () => {
      const taken: unknown[] = []
      await b.addTaskSubscriber((task) => taken.push(task))
      await b.addRpcSubscriber((message) => message, 'big')
      const heard: unknown[] = []
      await b.addBroadcastSubscriber((message) => void heard.push(message.body))
      const refusals = [
        await rejectionOf(a.taskSend(tooLarge())),
        await rejectionOf(a.rpcSend('big', tooLarge())),
        await rejectionOf(a.broadcastSend(tooLarge())),
      ]
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(MessageTooLargeError)
        expect((refusal as Error).message).toMatch(
          /^the (task|RPC message|broadcast) is 41943\d\d bytes, over the limit of 4194304 bytes \(maxMessageBytes\)$/,
        )
      }
      // Nothing went out: the next messages are the first to arrive.
      expect(await a.taskSend('small')).toBe(1)
      expect(taken).toEqual(['small'])
      expect(await a.rpcSend('big', 'small')).toBe('small')
      await a.broadcastSend('small')
      await expect.poll(() => heard).toEqual(['small'])
    })

    it('answers a task or an RPC whose result is over maxMessageBytes with the refusal', async () => {
      await b.addTaskSubscriber(() => tooLarge())
      await b.addRpcSubscriber(() => tooLarge(), 'big')
      for (const refusal of [
        await rejectionOf(a.taskSend('give')),
        await rejectionOf(a.rpcSend('big', 'give')),
      ]) {
        expect(refusal).toBeInstanceOf(RemoteError)
        expect(refusal).toMatchObject({ remoteName: 'MessageTooLargeError' })
        expect((refusal as Error).message).toMatch(
          /^the result is 41943\d\d bytes, over the limit of 4194304 bytes/,
        )
      }
    })

    it('queues a task sent with queueWithinMs as usual while connected', async () => {
      await b.addTaskSubscriber((task) => `done ${String(task)}`)
      expect(await a.taskSend('t', { queueWithinMs: 1_000 })).toBe('done t')
      expect(await a.taskSend('n', { queueWithinMs: 1_000, noReply: true })).toBeUndefined()
    })
  })
}
