/**
 * Replay is checked: a generator step brought back from its journal must ask for what it asked
 * for before. One that asks for something else (its code changed, or it read a clock, a random
 * number or a global) ends EXCEPTED with a NondeterminismError naming where it diverged, never
 * with a result built from answers meant for other questions.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { launch, out, toContext, waitForResume } from '../../lib/commands/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { NondeterminismError } from '../../lib/step/errors.js'
import { checkResumeEquivalence } from '../../lib/testing/resume-equivalence.js'
import { quietRunner, turns } from './helpers.js'

const Square = defineProcess({
  name: 'Square',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x ** 2) },
})

/** Decides what to ask for from something that is not its context, inputs or answers. */
const world = { x: 1, asksFirst: true }

const Impure = defineProcess({
  name: 'Impure',
  spec: { outputs: { total: output(t.number) } },
  steps: {
    *run() {
      let total = 0
      if (world.asksFirst) total += (yield* waitForResume(t.number)) ?? 0
      const { sq } = yield* toContext({ sq: launch(Square, { x: world.x }) })
      total += sq.y
      const more = yield* waitForResume(t.number)
      yield* out('total', total + more)
    },
  },
})

/** Runs Impure until it waits inside its step for the second time, and stores it there. */
const suspendAfterTheChild = async () => {
  world.x = 1
  world.asksFirst = true
  const runner = quietRunner()
  const process = Impure.create(undefined, { runner })
  void process.stepUntilTerminated()
  process.resume(10)
  for (let i = 0; i < 10 && process.snapshot.state._tag !== 'WAITING'; i++) await turns()
  while (process.snapshot.state._tag === 'WAITING' && process.snapshot.state.awaiting.length > 0)
    await turns()
  expect(process.snapshot.state).toMatchObject({ _tag: 'WAITING', asked: 'resume' })
  const persister = new InMemoryPersister()
  await persister.saveCheckpoint(bundle(process))
  return { persister, pid: process.pid }
}

const reload = async (persister: InMemoryPersister, pid: string) =>
  loadProcess(quietRunner(), persister, DefinitionRegistry.of(Impure, Square), pid)

describe('replaying a generator step from its journal', () => {
  it('goes on as before when the step asks for the same things', async () => {
    const { persister, pid } = await suspendAfterTheChild()
    const process = await reload(persister, pid)
    process.resume(100)
    await process.stepUntilTerminated()
    expect(process.outputs).toEqual({ total: 10 + 1 + 100 })
  })

  it('fails with a NondeterminismError when a child is launched with other inputs', async () => {
    const { persister, pid } = await suspendAfterTheChild()
    world.x = 2
    const process = await reload(persister, pid)
    process.resume(100)
    await process.stepUntilTerminated()
    expect(process.state).toBe('EXCEPTED')
    const error = process.exception()
    expect(error).toBeInstanceOf(NondeterminismError)
    expect((error as NondeterminismError).divergence).toMatchObject({
      pid,
      step: 'run',
      entry: 1,
      recorded: expect.stringMatching(/^toContext\(sq=launch:Square#[0-9a-f]{8}\)$/),
      yielded: expect.stringMatching(/^toContext\(sq=launch:Square#[0-9a-f]{8}\)$/),
    })
    expect(error?.message).toMatch(/step run: replay diverged at journal entry 1/)
    expect(process.outputs).toEqual({})
  })

  it('fails with a NondeterminismError when the step asks in another order', async () => {
    const { persister, pid } = await suspendAfterTheChild()
    world.asksFirst = false
    const process = await reload(persister, pid)
    process.resume(100)
    await process.stepUntilTerminated()
    expect(process.exception()).toBeInstanceOf(NondeterminismError)
    expect(process.exception()?.message).toMatch(
      /journal entry 0: recorded resume, yielded toContext\(sq=launch:Square#/,
    )
  })

  it('fails with a NondeterminismError when the step ends before its journal does', async () => {
    const Shrinking = defineProcess({
      name: 'Shrinking',
      steps: {
        *run() {
          if (world.asksFirst) yield* waitForResume()
          yield* waitForResume()
        },
      },
    })
    world.asksFirst = true
    const first = Shrinking.create(undefined, { runner: quietRunner() })
    void first.stepUntilTerminated()
    first.resume('a')
    await turns()
    expect(first.snapshot.state).toMatchObject({ _tag: 'WAITING', asked: 'resume' })
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(bundle(first))
    world.asksFirst = false
    const registry = DefinitionRegistry.of(Shrinking)
    const reloaded = await loadProcess(quietRunner(), persister, registry, first.pid)
    reloaded.resume('b')
    await reloaded.stepUntilTerminated()
    expect(reloaded.exception()).toBeInstanceOf(NondeterminismError)
    expect(reloaded.exception()?.message).toMatch(
      /journal entry 1: recorded resume, yielded the end of the step/,
    )
  })
})

describe('checkResumeEquivalence and nondeterminism', () => {
  it('reports the checkpoints whose replay diverged', async () => {
    let calls = 0
    const Flaky = defineProcess({
      name: 'Flaky',
      spec: { outputs: { got: output() } },
      steps: {
        *run() {
          calls += 1
          // Asks for a resume on the first run only: every replay takes the other branch.
          const got =
            calls === 1 ? yield* waitForResume() : yield* toContext({ t: Promise.resolve(1) })
          yield* out('got', got)
        },
      },
    })
    const report = await checkResumeEquivalence(Flaky, {}, { resumeWith: () => 'v' })
    expect(report.equivalent).toBe(false)
    const diverged = report.verdicts.filter((v) => v.verdict === 'nondeterministic')
    expect(diverged.length).toBeGreaterThan(0)
    expect(diverged[0]).toMatchObject({
      verdict: 'nondeterministic',
      divergence: { step: 'run', entry: 0, recorded: 'resume', yielded: 'toContext(t=promise)' },
    })
  })
})
