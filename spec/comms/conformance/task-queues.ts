/**
 * Conformance cases: the pull API of task queues (`communicator.taskQueue(name)`, kiwipy's
 * `task_queue`). Part of `communicatorConformance` (../conformance.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Communicator, IncomingTask, TaskQueue } from '../../../lib/comms/communicator.js'
import { InvalidTaskStateError, RemoteError } from '../../../lib/comms/errors.js'
import { rejectionOf, sleep } from '../helpers.js'
import { type Peers, QUIET_MS } from './peers.js'

/** The queues these cases use, so that a transport can remove them afterwards. */
export const TASK_QUEUE_NAMES = ['in-order', 'answers', 'put-back', 'apart', 'other', 'closing']

/** The next task of `queue`, waiting for one to arrive (a send may still be on its way). */
const nextTask = async (queue: TaskQueue): Promise<IncomingTask> => {
  const deadline = Date.now() + 10_000
  for (;;) {
    const task = await queue.next()
    if (task !== undefined) return task
    if (Date.now() > deadline) throw new Error(`no task came in ${queue.name}`)
    await sleep(10)
  }
}

/** Sends tasks one after the other, each queued before the next, without waiting for answers. */
const sendInOrder = async (queue: TaskQueue, tasks: readonly unknown[]) => {
  for (const task of tasks) await queue.taskSend(task, { noReply: true })
}

/** Declares the task queue cases; `peers.current()` gives the pair of the running test. */
export const taskQueueCases = (peers: Peers): void => {
  describe('task queues (pull)', () => {
    let a: Communicator
    let b: Communicator
    beforeEach(() => {
      ;({ a, b } = peers.current())
    })

    it('takes the tasks one by one in the order sent, and tells when the queue is empty', async () => {
      const queue = b.taskQueue('in-order')
      expect(queue.name).toBe('in-order')
      expect(await queue.next()).toBeUndefined()
      await sendInOrder(a.taskQueue('in-order'), ['t1', 't2', 't3'])
      const taken: unknown[] = []
      for await (const task of queue) {
        expect([task.awaited, task.redelivered, task.state]).toEqual([false, false, 'pending'])
        taken.push(task.body)
        await task.process().resolve(null)
        expect(task.state).toBe('done')
      }
      expect(taken).toEqual(['t1', 't2', 't3'])
      expect(await queue.next()).toBeUndefined()
    })

    it('answers the sender with what process() settles to', async () => {
      const sender = a.taskQueue('answers')
      const queue = b.taskQueue('answers')
      const squared = sender.taskSend({ x: 3 })
      const first = await nextTask(queue)
      expect([first.body, first.awaited]).toEqual([{ x: 3 }, true])
      await first.process().resolve(Promise.resolve(9))
      expect(await squared).toBe(9)

      const refused = rejectionOf(sender.taskSend({ x: 'three' }))
      await (await nextTask(queue)).process().reject(new TypeError('x is not a number'))
      const error = await refused
      expect(error).toBeInstanceOf(RemoteError)
      expect(error).toMatchObject({ remoteName: 'TypeError', message: 'x is not a number' })
    })

    it('puts back the tasks a loop took and did not process, when the loop ends', async () => {
      const queue = b.taskQueue('put-back')
      await sendInOrder(a.taskQueue('put-back'), [1, 2, 3, 4])
      for await (const task of queue) {
        if ((task.body as number) % 2 === 0) await task.process().resolve(null)
      }
      const again: Array<[unknown, boolean]> = []
      for await (const task of queue) {
        again.push([task.body, task.redelivered])
        if (task.body === 3) break // taken, not processed: it goes back too
      }
      expect(again).toEqual([
        [1, true],
        [3, true],
      ])
      const last = await nextTask(queue)
      expect([last.body, last.redelivered]).toEqual([1, true])
      await last.requeue()
      const bodies: unknown[] = []
      for await (const task of queue) {
        bodies.push(task.body)
        await task.process().resolve(null)
      }
      expect(bodies).toEqual([1, 3])
    })

    it('keeps task queues apart from each other and from the task subscribers', async () => {
      const pushed: unknown[] = []
      await a.addTaskSubscriber((task) => void pushed.push(task))
      await sendInOrder(a.taskQueue('apart'), ['pulled'])
      await sleep(QUIET_MS)
      expect(pushed).toEqual([])
      expect(await b.taskQueue('other').next()).toBeUndefined()
      await a.taskSend('pushed')
      expect(await b.taskQueue('apart').next()).toHaveProperty('body', 'pulled')
      expect(pushed).toEqual(['pushed'])
    })

    it('gives the tasks a closing communicator holds back to the queue', async () => {
      const answer = a.taskQueue('closing').taskSend('survives its taker')
      const held = await nextTask(b.taskQueue('closing'))
      held.process() // processing, never settled
      await b.close()
      const task = await nextTask(a.taskQueue('closing'))
      expect([task.body, task.redelivered]).toEqual(['survives its taker', true])
      await task.process().resolve('taken again')
      expect(await answer).toBe('taken again')
    })

    it('refuses to process a task twice, or to put back one being processed', async () => {
      await sendInOrder(a.taskQueue('answers'), ['once'])
      const task = await nextTask(b.taskQueue('answers'))
      const processing = task.process()
      expect(() => task.process()).toThrow(InvalidTaskStateError)
      expect(await rejectionOf(task.requeue())).toBeInstanceOf(InvalidTaskStateError)
      await processing.resolve('done')
      expect(await rejectionOf(processing.resolve('again'))).toHaveProperty(
        'message',
        'cannot resolve a task that is done',
      )
    })

    it('refuses a queue name that breaks the rule', () => {
      for (const name of ['', 'a b', 'x'.repeat(129), 'star*'])
        expect(() => a.taskQueue(name)).toThrow(RangeError)
    })
  })
}
