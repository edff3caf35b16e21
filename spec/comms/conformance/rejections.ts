/**
 * Conformance cases: tasks rejected with an answer for when nobody takes them
 * (`TaskRejected`'s `ifNobodyTakesIt`). Part of `communicatorConformance` (../conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Communicator } from '../../../lib/comms/communicator.js'
import { RemoteError, TaskRejected } from '../../../lib/comms/errors.js'
import { rejectionOf, waitFor } from '../helpers.js'
import type { Peers } from './peers.js'

class NoStoreError extends Error {
  override readonly name = 'NoStoreError'
}

/** Rejects every task, saying what to answer if nobody takes it; counts the rejections. */
const rejecter = (seen: unknown[]) => (task: unknown) => {
  seen.push(task)
  throw new TaskRejected('not here', { ifNobodyTakesIt: new NoStoreError(`no store for ${task}`) })
}

/** Declares the rejection cases; `peers.current()` gives the pair of the running test. */
export const rejectionCases = (peers: Peers): void => {
  describe('tasks rejected with an answer for when nobody takes them', () => {
    let a: Communicator
    let b: Communicator
    beforeEach(() => {
      ;({ a, b } = peers.current())
    })

    it('go to a subscriber that takes them, redelivered', async () => {
      const rejected: unknown[] = []
      await a.addTaskSubscriber(rejecter(rejected))
      await b.addTaskSubscriber((task, { redelivered }) => ({ took: task, redelivered }))
      const results = await Promise.all(['t1', 't2', 't3', 't4'].map((task) => a.taskSend(task)))
      for (const [i, result] of results.entries())
        expect(result).toEqual({ took: `t${i + 1}`, redelivered: rejected.includes(`t${i + 1}`) })
    })

    it('answer the sender with the error once every subscriber has rejected them', async () => {
      const rejected: unknown[] = []
      await a.addTaskSubscriber(rejecter(rejected))
      await b.addTaskSubscriber(rejecter(rejected))
      const error = await rejectionOf(a.taskSend('continue p1'))
      expect(error).toBeInstanceOf(RemoteError)
      expect(error).toMatchObject({
        remoteName: 'NoStoreError',
        message: 'no store for continue p1',
      })
      // Each subscriber ran its handler once: a subscriber is not asked again.
      expect(rejected).toEqual(['continue p1', 'continue p1'])
    })

    it('answer at once when the only subscriber rejects them', async () => {
      const rejected: unknown[] = []
      await b.addTaskSubscriber(rejecter(rejected))
      const error = await rejectionOf(a.taskSend('alone'))
      expect(error).toMatchObject({ remoteName: 'NoStoreError', message: 'no store for alone' })
      expect(rejected).toEqual(['alone'])
    })

    it('wait, without such an answer, for a subscriber that takes them', async () => {
      const rejected: unknown[] = []
      await b.addTaskSubscriber((task) => {
        rejected.push(task)
        throw new TaskRejected('not now')
      })
      const result = a.taskSend('patient')
      await waitFor('a rejection', () => rejected.length > 0)
      await a.addTaskSubscriber((task) => `took ${String(task)}`)
      expect(await result).toBe('took patient')
    })
  })
}
