/** The conformance checks of stores that write incremental checkpoints. */
import { it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { FIXTURES, loopCheckpoint, withPid } from './fixtures.js'
import { expectCheckpointError, expectSame, type PersisterUnderTest } from './support.js'

/** Declare the incremental checks inside a conformance suite; `current` is the test's store. */
export const incrementalChecks = (
  current: () => PersisterUnderTest,
  compactEvery: number,
): void => {
  it('reassembles incremental checkpoints exactly, across many compactions', async () => {
    const { persister } = current()
    const saves = compactEvery * 4 + 3
    const kinds = Object.values(FIXTURES)
    for (let i = 0; i < saves; i++) {
      // A loop checkpoint most of the time, and now and then a quite different one.
      const loop = loopCheckpoint('inc-a', i)
      const odd = withPid(kinds[i % kinds.length] as Bundle, 'inc-b')
      await persister.saveCheckpoint(loop)
      await persister.saveCheckpoint(odd, 'tagged')
      expectSame(await persister.loadCheckpoint('inc-a'), loop)
      expectSame(await persister.loadCheckpoint('inc-b', 'tagged'), odd)
      if (i === compactEvery + 1) {
        await persister.deleteCheckpoint('inc-a')
        await persister.saveCheckpoint(loop)
        expectSame(await persister.loadCheckpoint('inc-a'), loop)
      }
    }
  })

  it('writes a whole checkpoint when another writer saved in between', async () => {
    const store = current()
    if (store.another === undefined) return
    const other = await store.another()
    const steps = [0, 1, 2, 3, 4].map((i) => loopCheckpoint('shared', i))
    await store.persister.saveCheckpoint(steps[0] as Bundle)
    await store.persister.saveCheckpoint(steps[1] as Bundle)
    await other.saveCheckpoint(steps[2] as Bundle)
    await store.persister.saveCheckpoint(steps[3] as Bundle)
    expectSame(await other.loadCheckpoint('shared'), steps[3] as Bundle)
    await other.saveCheckpoint(steps[4] as Bundle)
    expectSame(await store.persister.loadCheckpoint('shared'), steps[4] as Bundle)
  })

  it('reports a corrupt patch by itself', async () => {
    const store = current()
    if (store.corruptLatestPatch === undefined) return
    const { persister } = store
    await persister.saveCheckpoint(loopCheckpoint('patched', 0))
    await persister.saveCheckpoint(loopCheckpoint('patched', 1))
    await persister.saveCheckpoint(loopCheckpoint('intact', 0))
    await persister.saveCheckpoint(loopCheckpoint('intact', 1))
    await store.corruptLatestPatch('patched', undefined)
    await expectCheckpointError(persister.loadCheckpoint('patched'), 'patched', undefined, [
      'unreadable',
      'malformed',
    ])
    expectSame(await persister.loadCheckpoint('intact'), loopCheckpoint('intact', 1))
    // The next whole body heals it.
    await persister.deleteCheckpoint('patched')
    await persister.saveCheckpoint(loopCheckpoint('patched', 2))
    expectSame(await persister.loadCheckpoint('patched'), loopCheckpoint('patched', 2))
  })
}
