/**
 * Data too deep or too long to checkpoint, on a runner that checkpoints: the step that made it
 * fails with a `CheckpointError` ('too-large') naming the limit and the path, found before any
 * write, and the store holds the EXCEPTED state with the last good data.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { CheckpointError } from '../../lib/checkpoint/errors.js'
import type { CheckpointLimits } from '../../lib/checkpoint/limits.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { out, Wait } from '../../lib/commands/index.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { quietRunner } from './helpers.js'

const nested = (depth: number): unknown => {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

/** A chain whose second step puts `make()` into its context. */
const grows = (make: () => unknown) =>
  defineWorkChain({
    name: 'Grows',
    context: () => ({ count: 0 }) as { count: number; big?: unknown },
    steps: {
      first(ctx) {
        ctx.count = 1
      },
      grow(ctx) {
        ctx.big = make()
      },
      after(ctx) {
        ctx.count = 2
      },
    },
    outline: (s) => [s.first, s.grow, s.after],
  })

const checkpointingRunner = (checkpointLimits?: Partial<CheckpointLimits>) => {
  const persister = new InMemoryPersister()
  const runner = quietRunner({
    persister,
    checkpoints: 'every-transition',
    ...(checkpointLimits === undefined ? {} : { checkpointLimits }),
  })
  return { persister, runner }
}

/** Run a chain to its end and return its error and its stored (reloaded) checkpoint. */
const runToEnd = async (
  definition: ReturnType<typeof grows>,
  limits?: Partial<CheckpointLimits>,
) => {
  const { persister, runner } = checkpointingRunner(limits)
  const process = definition.create({}, { runner })
  await process.stepUntilTerminated()
  await runner.flush()
  const stored = await persister.loadCheckpoint(process.pid)
  // What is stored is a checkpoint like any other: it round-trips through JSON and the codec.
  const json = JSON.parse(JSON.stringify(encodeCheckpoint(stored))) as unknown
  expect(decodeCheckpoint(json)._tag).toBe('Right')
  return { process, error: process.exception(), stored }
}

describe('a checkpointing runner and data past the checkpoint limits', () => {
  it('excepts a step that nests its context deeper than maxDepth, and stores EXCEPTED', async () => {
    const { process, error, stored } = await runToEnd(grows(() => nested(300)))
    expect(process.state).toBe('EXCEPTED')
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error).toMatchObject({ problem: 'too-large', pid: process.pid })
    expect((error as CheckpointError).reason).toMatch(
      /^ctx\.big(\[0\]){9}…\(243 more\)…(\[0\]){3}: nests deeper than 256 levels of arrays and objects \(the checkpoint limit maxDepth\) \(after step grow\)$/,
    )
    expect(stored.snapshot.state._tag).toBe('EXCEPTED')
    expect(stored.snapshot.ctx).toEqual({ count: 1 })
  })

  it('excepts a step that makes its context longer than maxLength (16 Mi characters)', async () => {
    const { process, error, stored } = await runToEnd(grows(() => 'x'.repeat(17 * 1024 * 1024)))
    expect(process.state).toBe('EXCEPTED')
    expect(error).toMatchObject({ problem: 'too-large' })
    expect((error as CheckpointError).reason).toBe(
      'ctx.big: 17825794 characters of JSON, more than the checkpoint limit of 16777216 ' +
        '(maxLength) (after step grow)',
    )
    expect(stored.snapshot.state._tag).toBe('EXCEPTED')
    expect(stored.snapshot.ctx).toEqual({ count: 1 })
  })

  it('says what happened when the context is too deep even to be frozen', async () => {
    // Past some 1,600 levels immer's freezing overflows the stack before the runner can look.
    const { process, error, stored } = await runToEnd(grows(() => nested(5000)))
    expect(process.state).toBe('EXCEPTED')
    expect(error).toBeInstanceOf(RangeError)
    expect((error as Error).message).toMatch(
      /^the step left its context nested too deep to be frozen \(Maximum call stack size exceeded\)/,
    )
    expect(stored.snapshot.state._tag).toBe('EXCEPTED')
  })

  it('takes the limits of the runner, for outputs, results and resume values too', async () => {
    const limits = { maxLength: 1000, maxDepth: 4 }
    const { runner } = checkpointingRunner(limits)
    const Emits = defineProcess({
      name: 'Emits',
      spec: { outputs: { text: output(t.string) } },
      steps: {
        run: () => out('text', 'y'.repeat(2000)),
      },
    })
    const emits = Emits.create({}, { runner })
    await emits.stepUntilTerminated()
    expect(emits.exception()).toMatchObject({
      problem: 'too-large',
      reason: expect.stringMatching(
        /^outputs\.text: 2002 characters of JSON, more than the checkpoint limit of 1000/,
      ),
    })

    const Returns = defineProcess({ name: 'Returns', steps: { run: () => nested(5) } })
    const returns = Returns.create({}, { runner })
    await returns.stepUntilTerminated()
    expect(returns.exception()?.message).toMatch(/result(\[0\]){4}: nests deeper than 4 levels/)

    const Waits = defineProcess({
      name: 'Waits',
      steps: { run: () => Wait('done'), done: () => 1 },
    })
    const waits = Waits.create({}, { runner })
    void waits.execute()
    expect(() => waits.resume('z'.repeat(1001))).toThrow(
      /the resume value: at least 1003 characters/,
    )
    expect(waits.state).toBe('WAITING')

    const Takes = defineProcess({
      name: 'Takes',
      spec: { inputs: { blob: input(t.string) } },
      steps: { run: () => undefined },
    })
    expect(() => Takes.create({ blob: 'b'.repeat(1001) }, { runner })).toThrow(
      /inputs\.blob: 1003 characters of JSON, more than the checkpoint limit of 1000/,
    )
  })

  it('refuses limits that are not whole numbers ≥ 1', () => {
    expect(() => quietRunner({ checkpointLimits: { maxLength: 0 } })).toThrow(
      /checkpoint limit maxLength must be a whole number ≥ 1 \(got 0\)/,
    )
  })
})
