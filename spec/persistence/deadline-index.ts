/**
 * The deadline index, as every store that keeps one must: a store's spec calls
 * `deadlineIndexChecks` with a factory for a fresh, empty store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import type { DeadlineIndex } from '../../lib/persistence/deadlines.js'
import type { Persister } from '../../lib/persistence/persister.js'
import type { Pending } from '../../lib/process/state.js'
import { finished, runningChain, withPid } from './fixtures.js'

/** A store under test, and how to end it. */
export interface IndexedStore {
  readonly persister: Persister & DeadlineIndex
  readonly cleanup: () => Promise<void>
}

const timer = (deadline: number, done = false): Pending => ({
  key: `t${deadline}`,
  ref: { _tag: 'Timer', deadline },
  append: false,
  done,
})

/** `pid` WAITING on `awaiting` (a sleep, a race of a timer and a signal…). */
export const waitingOn = (pid: string, awaiting: readonly Pending[]): Bundle => {
  const base = withPid(runningChain, pid)
  return {
    ...base,
    snapshot: {
      ...base.snapshot,
      state: {
        _tag: 'WAITING',
        position: { _tag: 'Outline', cursor: [1] },
        message: undefined,
        data: undefined,
        awaiting,
        asked: undefined,
      },
    },
  }
}

/** `pid` sleeping until `deadline`. */
export const sleeping = (pid: string, deadline: number): Bundle => waitingOn(pid, [timer(deadline)])

/** Declare the index checks for one store. */
export const deadlineIndexChecks = (name: string, make: () => Promise<IndexedStore>): void => {
  describe(`${name} (deadline index)`, () => {
    let store: IndexedStore
    beforeEach(async () => {
      store = await make()
    })
    afterEach(async () => {
      await store.cleanup()
    })
    const due = async (now: number) =>
      (await store.persister.dueProcesses(now, 100)).map((entry) => [entry.pid, entry.deadline])

    it('indexes the earliest unsettled timer of a waiting root, due from its deadline on', async () => {
      const { persister } = store
      await persister.saveCheckpoint(sleeping('a', 5_000))
      await persister.saveCheckpoint(
        waitingOn('race', [
          { key: 'ok', ref: { _tag: 'Signal', name: 'approve' }, append: false, done: false },
          timer(3_000, true),
          timer(7_000),
          timer(6_000),
        ]),
      )
      expect(await due(4_999)).toEqual([])
      expect(await due(5_000)).toEqual([['a', 5_000]])
      expect(await due(10_000)).toEqual([
        ['a', 5_000],
        ['race', 6_000],
      ])
    })

    it('lists due processes earliest first, at most as many as asked', async () => {
      const { persister } = store
      for (const [pid, deadline] of [
        ['c', 3_000],
        ['a', 1_000],
        ['d', 4_000],
        ['b', 2_000],
      ] as const)
        await persister.saveCheckpoint(sleeping(pid, deadline))
      const two = await persister.dueProcesses(10_000, 2)
      expect(two).toEqual([
        { pid: 'a', deadline: 1_000 },
        { pid: 'b', deadline: 2_000 },
      ])
    })

    it('moves with the next checkpoint, and goes when the process leaves WAITING or ends', async () => {
      const { persister } = store
      await persister.saveCheckpoint(sleeping('a', 1_000))
      await persister.saveCheckpoint(sleeping('a', 2_000))
      expect(await due(10_000)).toEqual([['a', 2_000]])
      await persister.saveCheckpoint(withPid(runningChain, 'a'))
      expect(await due(10_000)).toEqual([])
      await persister.saveCheckpoint(sleeping('b', 1_000))
      await persister.saveCheckpoint(withPid(finished, 'b'))
      expect(await due(10_000)).toEqual([])
    })

    it('leaves out paused processes, children, and tagged copies; forgets deleted ones', async () => {
      const { persister } = store
      const paused = sleeping('paused', 1_000)
      await persister.saveCheckpoint({ ...paused, snapshot: { ...paused.snapshot, paused: true } })
      await persister.saveCheckpoint({ ...sleeping('child', 1_000), parentPid: 'parent' })
      await persister.saveCheckpoint(sleeping('tagged', 1_000), 'before-upgrade')
      await persister.saveCheckpoint(sleeping('gone', 1_000))
      await persister.saveCheckpoint(sleeping('gone-too', 1_000))
      // A tagged copy of a sleeping process does not unindex its latest checkpoint.
      await persister.saveCheckpoint(withPid(runningChain, 'gone'), 'copy')
      expect(await due(10_000)).toEqual([
        ['gone', 1_000],
        ['gone-too', 1_000],
      ])
      await persister.deleteCheckpoint('gone')
      await persister.deleteProcessCheckpoints('gone-too')
      expect(await due(10_000)).toEqual([])
    })
  })
}
