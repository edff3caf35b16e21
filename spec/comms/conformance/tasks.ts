/** Conformance cases: tasks. Part of `communicatorConformance` (../conformance.ts). */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Communicator } from '../../../lib/comms/communicator.js'
import { InvalidMessageError, RemoteError, TaskRejected } from '../../../lib/comms/errors.js'
import { gate, rejectionOf, sleep, waitFor } from '../helpers.js'
import { type Peers, QUIET_MS } from './peers.js'

/** Declares the tasks cases; `peers.current()` gives the pair of the running test. */
export const taskCases = (peers: Peers): void => {
  describe('tasks', () => {
    let a: Communicator
    let b: Communicator
    beforeEach(() => {
      ;({ a, b } = peers.current())
    })

    it('gives a task to a subscriber of the other communicator and returns its result', async () => {
      const seen: unknown[] = []
      await b.addTaskSubscriber((task, { redelivered }) => {
        seen.push(redelivered)
        return { doubled: (task as { x: number }).x * 2 }
      })
      expect(await a.taskSend({ x: 21 })).toEqual({ doubled: 42 })
      expect(seen).toEqual([false])
    })

    it('never runs a handler inside the send call', async () => {
      let ran = false
      await b.addTaskSubscriber(() => {
        ran = true
        return 'ran'
      })
      const sent = a.taskSend('now?')
      expect(ran).toBe(false)
      expect(await sent).toBe('ran')
    })

    it('resolves results that are Promises or thenables', async () => {
      await b.addTaskSubscriber((task) =>
        task === 'later'
          ? new Promise((resolve) => setTimeout(() => resolve(Promise.resolve('late')), 20))
          : { then: (resolve: (value: unknown) => void) => resolve('thenable') },
      )
      expect(await a.taskSend('later')).toBe('late')
      expect(await a.taskSend('thenable')).toBe('thenable')
    })

    it('sends a subscriber exception to the sender as a RemoteError with its message', async () => {
      await b.addTaskSubscriber(async () => {
        throw new TypeError('no such definition: Foo')
      })
      const error = await rejectionOf(a.taskSend('launch Foo'))
      expect(error).toBeInstanceOf(RemoteError)
      expect((error as RemoteError).message).toBe('no such definition: Foo')
      expect((error as RemoteError).remoteName).toBe('TypeError')
    })

    it('runs a no-reply task exactly once and resolves once it is queued', async () => {
      await expect(a.taskSend({ n: 1 }, { noReply: true })).resolves.toBeUndefined()
      const runs: unknown[] = []
      await b.addTaskSubscriber((task) => {
        runs.push(task)
      })
      await waitFor('the no-reply task', () => runs.length === 1)
      await sleep(QUIET_MS)
      expect(runs).toEqual([{ n: 1 }])
    })

    it('keeps a task sent before any subscriber until one subscribes', async () => {
      const result = a.taskSend('early')
      await sleep(QUIET_MS)
      await b.addTaskSubscriber((task) => `took ${String(task)}`)
      expect(await result).toBe('took early')
    })

    it('passes a task rejected by one subscriber on to another', async () => {
      const rejections: boolean[] = []
      await a.addTaskSubscriber((_task, { redelivered }) => {
        rejections.push(redelivered)
        throw new TaskRejected('not mine')
      })
      const result = a.taskSend('hot potato')
      await waitFor('a rejection', () => rejections.length > 0)
      await b.addTaskSubscriber((task, { redelivered }) => ({ task, redelivered }))
      expect(await result).toEqual({ task: 'hot potato', redelivered: true })
      expect(rejections[0]).toBe(false)
    })

    it('holds at most `slots` tasks per subscriber, and ack() frees a slot early', async () => {
      let release = gate()
      const started: string[] = []
      await b.addTaskSubscriber(
        async (task, delivery) => {
          started.push(task as string)
          if ((task as string).startsWith('ack')) delivery.ack()
          await release.opened
          return task
        },
        'one-slot',
        { slots: 1 },
      )
      const first = a.taskSend('holds its slot')
      await waitFor('the first task', () => started.length === 1)
      const second = a.taskSend('waits for the slot')
      await sleep(QUIET_MS)
      expect(started).toEqual(['holds its slot'])
      release.open()
      expect(await Promise.all([first, second])).toEqual(['holds its slot', 'waits for the slot'])

      release = gate()
      const third = a.taskSend('ack at once')
      await waitFor('the third task', () => started.length === 3)
      const fourth = a.taskSend('runs beside it')
      // The third task acknowledged itself: its slot is free while it still runs.
      await waitFor('the fourth task', () => started.length === 4)
      release.open()
      expect(await Promise.all([third, fourth])).toEqual(['ack at once', 'runs beside it'])
    })

    it('passOn() hands the answer to a new task: its handler answers the sender', async () => {
      const never = gate()
      const handled: unknown[] = []
      await b.addTaskSubscriber(async (task, delivery) => {
        handled.push(task)
        const { step } = task as { step: number }
        if (step < 2) {
          await delivery.passOn({ step: step + 1 })
          // Whatever the handler does after passing on is dropped.
          await never.opened
          return 'dropped'
        }
        return { answeredAt: step }
      })
      expect(await a.taskSend({ step: 0 })).toEqual({ answeredAt: 2 })
      expect(handled).toEqual([{ step: 0 }, { step: 1 }, { step: 2 }])
      // The original handlers still hang: settling them now sends nothing more.
      never.open()
      await sleep(QUIET_MS)
    })

    it('passOn() from a task sent without a reply queues a task without one', async () => {
      const handled: unknown[] = []
      await b.addTaskSubscriber(async (task, delivery) => {
        handled.push(task)
        if (task === 'first') await delivery.passOn('second')
        return task
      })
      expect(await a.taskSend('first', { noReply: true })).toBeUndefined()
      await waitFor('the passed-on task', () => handled.length === 2)
      expect(handled).toEqual(['first', 'second'])
    })

    it('refuses a subscriber without a positive whole number of slots', async () => {
      for (const slots of [0, -1, 1.5]) {
        expect(
          await rejectionOf(b.addTaskSubscriber(() => 1, undefined, { slots })),
        ).toBeInstanceOf(RangeError)
      }
    })

    it('refuses tasks and results that are not JSON', async () => {
      expect(await rejectionOf(a.taskSend({ big: 10n }))).toBeInstanceOf(InvalidMessageError)
      await b.addTaskSubscriber(() => ({ big: 10n }))
      const error = await rejectionOf(a.taskSend('give me a BigInt'))
      expect(error).toBeInstanceOf(RemoteError)
      expect((error as RemoteError).remoteName).toBe('InvalidMessageError')
    })
  })
}
