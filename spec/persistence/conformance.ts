/**
 * The one suite every persister passes. Each store's spec file calls `persisterConformance` with
 * a factory for a fresh, empty store. Every check round-trips through `JSON.stringify` and the
 * checkpoint codec.
 */
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { findCheckpoint, type Persister } from '../../lib/persistence/persister.js'
import { incrementalChecks } from './conformance-incremental.js'
import { damagedBody } from './damage.js'
import {
  FIXTURES,
  created,
  finished,
  killed,
  loopCheckpoint,
  runningChain,
  withPid,
} from './fixtures.js'
import { expectCheckpointError, expectSame, type PersisterUnderTest } from './support.js'

export { expectSame, textOf, type PersisterUnderTest } from './support.js'

/** What the store does beyond the interface. */
export interface ConformanceOptions {
  /** The store writes incremental checkpoints with this `compactEvery`. */
  readonly compactEvery?: number
}

const TAGS: readonly (string | undefined)[] = [undefined, '', 'x', '=', 'undefined', 'a/b c.é']

/** Declare the conformance suite for one store. */
export const persisterConformance = (
  name: string,
  make: () => Promise<PersisterUnderTest>,
  options: ConformanceOptions = {},
): void => {
  describe(`${name} (persister conformance)`, () => {
    let store: PersisterUnderTest
    let persister: Persister
    beforeEach(async () => {
      store = await make()
      persister = store.persister
    })
    afterEach(async () => {
      await store.cleanup()
    })

    it('loads every kind of checkpoint back as it was saved, untagged and tagged', async () => {
      for (const [fixtureName, bundle] of Object.entries(FIXTURES)) {
        await persister.saveCheckpoint(bundle)
        await persister.saveCheckpoint(bundle, fixtureName)
        expectSame(await persister.loadCheckpoint(bundle.pid), bundle)
        expectSame(await persister.loadCheckpoint(bundle.pid, fixtureName), bundle)
      }
    })

    it('keeps the untagged checkpoint apart from every string tag', async () => {
      const pid = 'tags-apart'
      const variants = TAGS.map((_, index) => withPid(loopCheckpoint(pid, index), pid))
      for (const [index, tag] of TAGS.entries())
        await persister.saveCheckpoint(variants[index] as Bundle, tag)
      for (const [index, tag] of TAGS.entries()) {
        expectSame(await persister.loadCheckpoint(pid, tag), variants[index] as Bundle)
      }
      const tags = (await persister.getProcessCheckpoints(pid)).map((c) => c.tag)
      expect(new Set(tags)).toEqual(new Set(TAGS))
      expect(tags).toHaveLength(TAGS.length)
    })

    it('replaces the checkpoint saved under the same pid and tag', async () => {
      const pid = created.pid
      await persister.saveCheckpoint(created)
      await persister.saveCheckpoint(withPid(finished, pid))
      await persister.saveCheckpoint(created, 't')
      await persister.saveCheckpoint(withPid(killed, pid), 't')
      expectSame(await persister.loadCheckpoint(pid), withPid(finished, pid))
      expectSame(await persister.loadCheckpoint(pid, 't'), withPid(killed, pid))
      expect(await persister.getProcessCheckpoints(pid)).toHaveLength(2)
    })

    it('rejects a missing checkpoint with a not-found error naming pid and tag', async () => {
      await expectCheckpointError(persister.loadCheckpoint('nobody'), 'nobody', undefined, [
        'not-found',
      ])
      await expectCheckpointError(persister.loadCheckpoint('nobody', 'tag-1'), 'nobody', 'tag-1', [
        'not-found',
      ])
      await persister.saveCheckpoint(created, 'only-this')
      await expectCheckpointError(persister.loadCheckpoint(created.pid), created.pid, undefined, [
        'not-found',
      ])
      await expectCheckpointError(persister.loadCheckpoint(created.pid, ''), created.pid, '', [
        'not-found',
      ])
    })

    it('finds a stored checkpoint, answers undefined for a missing one, rejects a corrupt one', async () => {
      expect(await findCheckpoint(persister, 'nobody')).toBeUndefined()
      await persister.saveCheckpoint(created, 'only-this')
      expect(await findCheckpoint(persister, created.pid)).toBeUndefined()
      expect(await findCheckpoint(persister, created.pid, '')).toBeUndefined()
      expectSame((await findCheckpoint(persister, created.pid, 'only-this'))!, created)
      await persister.saveCheckpoint(finished)
      expectSame((await findCheckpoint(persister, finished.pid))!, finished)
      await store.corrupt(finished.pid, undefined)
      await expectCheckpointError(
        findCheckpoint(persister, finished.pid),
        finished.pid,
        undefined,
        ['unreadable', 'malformed'],
      )
    })

    it('lists every checkpoint, and those of one process', async () => {
      expect(await persister.getCheckpoints()).toEqual([])
      await persister.saveCheckpoint(created)
      await persister.saveCheckpoint(created, 'b')
      await persister.saveCheckpoint(runningChain, 'a')
      await persister.saveCheckpoint(finished)
      const sort = (list: { pid: string; tag: string | undefined }[]) =>
        list.map((c) => `${c.pid}|${c.tag === undefined ? '-' : `=${c.tag}`}`).sort()
      expect(sort(await persister.getCheckpoints())).toEqual(
        sort([
          { pid: created.pid, tag: undefined },
          { pid: created.pid, tag: 'b' },
          { pid: runningChain.pid, tag: 'a' },
          { pid: finished.pid, tag: undefined },
        ]),
      )
      expect(sort(await persister.getProcessCheckpoints(created.pid))).toEqual(
        sort([
          { pid: created.pid, tag: undefined },
          { pid: created.pid, tag: 'b' },
        ]),
      )
      expect(await persister.getProcessCheckpoints('nobody')).toEqual([])
    })

    it('deletes one checkpoint, silently when it is not there', async () => {
      await persister.deleteCheckpoint('nobody')
      await persister.deleteCheckpoint('nobody', 'x')
      await persister.saveCheckpoint(created)
      await persister.saveCheckpoint(created, 'x')
      await persister.deleteCheckpoint(created.pid, 'y')
      await persister.deleteCheckpoint(created.pid)
      await expectCheckpointError(persister.loadCheckpoint(created.pid), created.pid, undefined, [
        'not-found',
      ])
      expectSame(await persister.loadCheckpoint(created.pid, 'x'), created)
      await persister.deleteCheckpoint(created.pid)
      expect(await persister.getCheckpoints()).toEqual([{ pid: created.pid, tag: 'x' }])
    })

    it('deletes every checkpoint of one process and nothing else', async () => {
      await persister.saveCheckpoint(created)
      await persister.saveCheckpoint(created, 'x')
      await persister.saveCheckpoint(runningChain)
      await persister.saveCheckpoint(runningChain, 'x')
      await persister.deleteProcessCheckpoints(created.pid)
      await persister.deleteProcessCheckpoints('nobody')
      expect(await persister.getProcessCheckpoints(created.pid)).toEqual([])
      expect(await persister.getProcessCheckpoints(runningChain.pid)).toHaveLength(2)
      expectSame(await persister.loadCheckpoint(runningChain.pid, 'x'), runningChain)
    })

    it('hands out fresh copies: changing a loaded or saved bundle never changes the store', async () => {
      const saved = structuredClone(runningChain)
      await persister.saveCheckpoint(saved)
      // The caller keeps running (mutating) what it saved.
      ;(saved.snapshot.ctx as { iterator: number }).iterator = 99
      ;(saved.inputs as { steps: number }).steps = 99
      const first = await persister.loadCheckpoint(runningChain.pid)
      expectSame(first, runningChain)
      mutateEverywhere(first)
      expectSame(await persister.loadCheckpoint(runningChain.pid), runningChain)
    })

    it('reports a corrupt checkpoint by itself and keeps the others loadable', async () => {
      await persister.saveCheckpoint(created)
      await persister.saveCheckpoint(created, 'x')
      await persister.saveCheckpoint(finished)
      await store.corrupt(created.pid, 'x')
      await expectCheckpointError(persister.loadCheckpoint(created.pid, 'x'), created.pid, 'x', [
        'unreadable',
        'malformed',
      ])
      expectSame(await persister.loadCheckpoint(created.pid), created)
      expectSame(await persister.loadCheckpoint(finished.pid), finished)
      expect(await persister.getCheckpoints()).toHaveLength(3)
      await store.corrupt(finished.pid, undefined)
      await expectCheckpointError(persister.loadCheckpoint(finished.pid), finished.pid, undefined, [
        'unreadable',
        'malformed',
      ])
    })

    it('answers damaged checkpoints with a typed error or a checkpoint of that pid', async () => {
      await persister.saveCheckpoint(finished)
      // A fixed seed: the same 40 damaged bodies on every store and every run.
      for (const body of fc.sample(damagedBody, { numRuns: 40, seed: 20261206 })) {
        await persister.saveCheckpoint(created, 'fuzz')
        await store.corrupt(created.pid, 'fuzz', body)
        const loaded = await persister.loadCheckpoint(created.pid, 'fuzz').then(
          (bundle) => bundle,
          (error: unknown) => error,
        )
        if (loaded instanceof Error) {
          await expectCheckpointError(Promise.reject(loaded), created.pid, 'fuzz', [
            'unreadable',
            'malformed',
          ])
        } else {
          expect((loaded as Bundle).pid).toBe(created.pid)
        }
      }
      expectSame(await persister.loadCheckpoint(finished.pid), finished)
      expect(await persister.getCheckpoints()).toHaveLength(2)
    })

    it('lands every one of 200 concurrent saves', async () => {
      const bundles = Array.from({ length: 200 }, (_, index) =>
        loopCheckpoint(`concurrent-${index}`, index),
      )
      await Promise.all(bundles.map((bundle) => persister.saveCheckpoint(bundle)))
      expect(await persister.getCheckpoints()).toHaveLength(200)
      const loaded = await Promise.all(
        bundles.map((bundle) => persister.loadCheckpoint(bundle.pid)),
      )
      loaded.forEach((bundle, index) => expectSame(bundle, bundles[index] as Bundle))
    })

    if (options.compactEvery !== undefined) incrementalChecks(() => store, options.compactEvery)
  })
}

/** Change every mutable object of a loaded bundle (frozen ones refuse, which is fine too). */
const mutateEverywhere = (bundle: Bundle): void => {
  const attempt = (change: () => void) => {
    try {
      change()
    } catch (_) {
      // frozen: nothing to change
    }
  }
  const anyBundle = bundle as unknown as Record<string, any>
  attempt(() => (anyBundle['snapshot'].ctx.iterator = 1000))
  attempt(() => anyBundle['snapshot'].ctx.log.push('z'))
  attempt(() => (anyBundle['snapshot'].ctx.nested.deep[0].x = 'changed'))
  attempt(() => (anyBundle['snapshot'].state.position.cursor[0] = 7))
  attempt(() => (anyBundle['inputs'].steps = 1000))
  attempt(() => (anyBundle['snapshot'].paused = true))
  attempt(() => (anyBundle['pid'] = 'other'))
}
