/**
 * The `checkpointing` plugin. A process's saves reach the store one at a time, in order, each as
 * soon as the one before has settled; `committing` waits for the saves handed over so far. When
 * a save fails its `onError` is told, and on a strict runner the process fails with a
 * `CheckpointNotCommittedError`. An `onError` that throws is logged and ignored, as a throwing
 * listener is: the save's failure still reaches the process, once, and nothing is left as an
 * unhandled rejection.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input } from '../../lib/ports/index.js'
import { checkpointing } from '../../lib/runtime/checkpointing.js'
import { deferred, type Deferred } from '../../lib/runtime/deferred.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { while_ } from '../../lib/workchain/index.js'
import { CheckpointNotCommittedError } from '../../lib/runtime/errors.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { quietRunner, recordingLogger, turns } from './helpers.js'
import { until } from './retry-entry-helpers.js'

const unhandled = recordUnhandledRejections()

/** Refuses every checkpoint of a RUNNING process. */
class RefusingStore extends InMemoryPersister {
  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    if (bundle.snapshot.state._tag === 'RUNNING') throw new Error('disk full')
    return super.saveCheckpoint(bundle, tag)
  }
}

/** Keeps every save waiting until the spec settles it, and writes down what each held. */
class HeldStore extends InMemoryPersister {
  readonly saves: { readonly what: string; readonly settled: Deferred<void> }[] = []

  override saveCheckpoint(bundle: Bundle): Promise<void> {
    const settled = deferred<void>()
    const { ctx, state } = bundle.snapshot
    const i = (ctx as { i?: number }).i
    this.saves.push({ what: i === undefined ? state._tag : `${state._tag} ${i}`, settled })
    return settled.promise
  }
}

const Counting = defineWorkChain({
  name: 'Counting',
  spec: { inputs: { n: input(t.number) } },
  context: () => ({ i: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.n,
    inc(ctx) {
      ctx.i += 1
    },
  },
  outline: (s) => [while_(s.more)(s.inc)],
})

const Twice = defineProcess({
  name: 'Twice',
  steps: { first: () => undefined },
})

describe('checkpointing', () => {
  it("hands a process's saves to the store one at a time, each once the one before settled", async () => {
    const store = new HeldStore()
    const plugin = checkpointing(store)
    const runner = quietRunner({ plugins: [plugin] })
    const process = Counting.create({ n: 2 }, { runner })
    void process.execute()
    const saved = () => store.saves.map(({ what }) => what)
    // The steps ran on; their saves wait behind the first, which the store has.
    expect(process.state).toBe('FINISHED')
    expect(saved()).toEqual(['CREATED 0'])
    const soFar = plugin.committing(process.pid)
    let committed = false
    void soFar?.then(() => (committed = true))
    const expected = ['CREATED 0', 'RUNNING 0', 'RUNNING 1', 'RUNNING 2', 'FINISHED 2']
    for (let i = 1; i < expected.length; i++) {
      store.saves[i - 1]?.settled.resolve()
      // No promise turn of its own between a save settling and the next reaching the store.
      await Promise.resolve()
      expect(saved()).toEqual(expected.slice(0, i + 1))
      expect(committed).toBe(false)
    }
    store.saves.at(-1)?.settled.resolve()
    await soFar
    expect(plugin.committing(process.pid)).toBeUndefined()
    await plugin.flush()
  })

  it('goes on with the saves behind one the store refused', async () => {
    const store = new HeldStore()
    const told: string[] = []
    const plugin = checkpointing(store, { onError: (error) => told.push(String(error)) })
    const runner = quietRunner({ plugins: [plugin] })
    const process = Counting.create({ n: 1 }, { runner })
    void process.execute()
    store.saves[0]?.settled.reject(new Error('disk full'))
    for (let i = 1; i < 4; i++) {
      await turns(1)
      store.saves[i]?.settled.resolve()
    }
    await plugin.flush()
    expect(told).toEqual(['Error: disk full'])
    expect(store.saves.map(({ what }) => what)).toEqual([
      'CREATED 0',
      'RUNNING 0',
      'RUNNING 1',
      'FINISHED 1',
    ])
    expect(unhandled).toEqual([])
  })

  it('waits, in committing, for the saves handed over so far and not for later ones', async () => {
    const store = new HeldStore()
    const plugin = checkpointing(store)
    const runner = quietRunner({ plugins: [plugin] })
    const process = Twice.create(undefined, { runner })
    const early = plugin.committing(process.pid)
    let earlyDone = false
    void early?.then(() => (earlyDone = true))
    process.pause()
    const late = plugin.committing(process.pid)
    let lateDone = false
    void late?.then(() => (lateDone = true))
    expect(store.saves.map(({ what }) => what)).toEqual(['CREATED'])
    store.saves[0]?.settled.resolve()
    await turns(1)
    expect([earlyDone, lateDone]).toEqual([true, false])
    expect(store.saves).toHaveLength(2)
    store.saves[1]?.settled.resolve()
    await turns(1)
    expect(lateDone).toBe(true)
    expect(plugin.committing(process.pid)).toBeUndefined()
  })

  it('logs an onError that throws, and still fails a strict process on the refused save', async () => {
    const { lines, logger } = recordingLogger()
    const told: string[] = []
    const plugin = checkpointing(new RefusingStore(), {
      onError: (error) => {
        told.push(String(error))
        throw new Error('the alert service is down')
      },
    })
    const runner = quietRunner({ plugins: [plugin], durability: 'strict', logger })
    const process = Twice.create(undefined, { runner })
    const done = process.execute().then(
      () => undefined,
      (error: unknown) => error,
    )
    await until(() => process.hasTerminated())
    await turns(5)
    expect(unhandled).toEqual([])
    expect(process.state).toBe('EXCEPTED')
    expect(await done).toBeInstanceOf(CheckpointNotCommittedError)
    expect(told).toEqual(['Error: disk full'])
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^error: .*onError of checkpointing threw on the failed save of .*: Error: the alert service is down$/,
      ),
    )
  })
})
