/**
 * Inputs whose codecs transform (text in, a Date out): a checkpoint keeps them in their wire form,
 * encoded by each port's codec, and loading decodes them again, so a checkpointing runner takes
 * them and a reloaded process sees the same values.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { defineWorkChain } from '../../lib/runtime/define.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { checkResumeEquivalence } from '../../lib/testing/index.js'
import { DateFromISO, quietRunner } from './helpers.js'
import { out } from '../../lib/commands/index.js'

const Deadline = defineWorkChain({
  name: 'Deadline',
  spec: {
    inputs: { due: input(DateFromISO), label: input(t.string, { default: 'task' }) },
    outputs: { days: output(t.number), label: output(t.string) },
  },
  context: () => ({ rounds: 0 }),
  steps: {
    count(ctx) {
      ctx.rounds += 1
    },
    *report(_ctx, { inputs }) {
      yield* out('days', Math.round(inputs.due.getTime() / 86_400_000))
      yield* out('label', inputs.label)
    },
  },
  outline: (s) => [s.count, s.report],
})

describe('inputs decoded by a transforming codec', () => {
  it('are checkpointed in their wire form and come back decoded after a reload', async () => {
    const persister = new InMemoryPersister()
    const runner = quietRunner({ persister, checkpoints: 'every-transition' })
    const first = Deadline.create({ due: '1970-01-11T00:00:00.000Z' }, { runner })
    expect(first.inputs.due).toBeInstanceOf(Date)
    await first.stepUntilTerminated()
    await runner.flush()
    expect(first.outputs).toEqual({ days: 10, label: 'task' })

    // The stored checkpoint holds the ISO string (and the default), as JSON.
    const text = JSON.stringify(encodeCheckpoint(bundle(first)))
    expect(JSON.parse(text).inputs).toEqual({ due: '1970-01-11T00:00:00.000Z', label: 'task' })

    // Loaded from the store on a fresh runner, the process sees a Date again, frozen like any
    // parsed input, and bundles to the same wire form.
    const process = await loadProcess(
      quietRunner(),
      persister,
      DefinitionRegistry.of(Deadline),
      first.pid,
    )
    expect(process.inputs.due).toBeInstanceOf(Date)
    expect((process.inputs.due as Date).toISOString()).toBe('1970-01-11T00:00:00.000Z')
    expect(Object.isFrozen(process.inputs)).toBe(true)
    expect(bundle(process).inputs).toEqual(JSON.parse(text).inputs)
  })

  it('resume from every checkpoint to the same end', async () => {
    const report = await checkResumeEquivalence(Deadline, { due: '1970-01-31T00:00:00.000Z' })
    expect(report.reference).toMatchObject({ state: 'FINISHED', outputs: { days: 30 } })
    expect(report.verdicts.length).toBeGreaterThanOrEqual(4)
    expect(report.verdicts.every((v) => v.verdict === 'equivalent')).toBe(true)
  })

  it('refuse a stored checkpoint whose inputs no longer decode, naming them', async () => {
    const persister = new InMemoryPersister()
    const runner = quietRunner({ persister, checkpoints: 'every-transition' })
    const process = Deadline.create({ due: '1970-01-11T00:00:00.000Z' }, { runner })
    await runner.flush()
    const saved = await persister.loadCheckpoint(process.pid)
    const store = new InMemoryPersister()
    await store.saveCheckpoint({ ...saved, inputs: { due: 'not a date', label: 'task' } })
    await expect(
      loadProcess(quietRunner(), store, DefinitionRegistry.of(Deadline), process.pid),
    ).rejects.toMatchObject({
      problem: 'invalid-inputs',
      reason: expect.stringMatching(/^its inputs are not valid for Deadline@1: inputs\.due/),
    })
  })
})
