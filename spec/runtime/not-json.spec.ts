/**
 * Data that is not JSON, on a runner that checkpoints: refused where it enters, naming its path,
 * so that no checkpoint silently changes it or fails to save.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { CheckpointError } from '../../lib/checkpoint/errors.js'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { out, task, toContext, Wait } from '../../lib/commands/index.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { quietRunner } from './helpers.js'
import { until } from './retry-entry-helpers.js'

const unhandled = recordUnhandledRejections()

const Stamped = defineWorkChain({
  name: 'Stamped',
  context: () => ({ count: 0 }) as { count: number; when?: unknown },
  steps: {
    first(ctx) {
      ctx.count = 1
    },
    stamp(ctx) {
      ctx.when = new Date(0)
    },
    after(ctx) {
      ctx.count = 2
    },
  },
  outline: (s) => [s.first, s.stamp, s.after],
})

const checkpointingRunner = () => {
  const persister = new InMemoryPersister()
  return { persister, runner: quietRunner({ persister, checkpoints: 'every-transition' }) }
}

describe('a checkpointing runner and data that is not JSON', () => {
  it('excepts the process at the step that stored it, naming the path', async () => {
    const { persister, runner } = checkpointingRunner()
    const process = Stamped.create({}, { runner })
    await process.stepUntilTerminated()
    await runner.flush()
    expect(process.state).toBe('EXCEPTED')
    const error = process.exception()
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error).toMatchObject({ problem: 'not-json', pid: process.pid })
    expect((error as CheckpointError).reason).toBe(
      'ctx.when: a Date is not JSON; store an ISO string (toISOString()) (after step stamp)',
    )
    // The step's results were not applied: the last checkpoint holds the good data, and loads.
    expect(process.ctx).toEqual({ count: 1 })
    const stored = await persister.loadCheckpoint(process.pid)
    expect(stored.snapshot.state._tag).toBe('EXCEPTED')
    expect(stored.snapshot.ctx).toEqual({ count: 1 })
    const json = JSON.parse(JSON.stringify(encodeCheckpoint(stored)))
    expect(decodeCheckpoint(json)._tag).toBe('Right')
  })

  it('excepts a process whose step returns a result or emits an output that is not JSON', async () => {
    const { runner } = checkpointingRunner()
    const Returns = defineProcess({ name: 'Returns', steps: { run: () => ({ big: 1n }) } })
    const returns = Returns.create({}, { runner })
    await returns.stepUntilTerminated()
    expect(returns.exception()?.message).toMatch(/result\.big: a BigInt is not JSON/)

    const Emits = defineProcess({
      name: 'Emits',
      spec: { outputs: { seen: output() } },
      steps: {
        *run(_ctx) {
          yield* out('seen', new Set([1]))
        },
      },
    })
    const emits = Emits.create({}, { runner })
    await emits.stepUntilTerminated()
    expect(emits.state).toBe('EXCEPTED')
    expect(emits.exception()?.message).toMatch(/outputs\.seen: a Set is not JSON/)
  })

  it('excepts a chain whose awaited task resolves to something that is not JSON', async () => {
    const { runner } = checkpointingRunner()
    const Awaits = defineWorkChain({
      name: 'Awaits',
      steps: {
        *start(_ctx) {
          yield* toContext({ found: task(async () => new Map([['a', 1]])) })
        },
        use() {},
      },
      outline: (s) => [s.start, s.use],
    })
    const process = Awaits.create({}, { runner })
    await process.stepUntilTerminated()
    expect(process.state).toBe('EXCEPTED')
    expect(process.exception()?.message).toMatch(/ctx\.found: a Map is not JSON/)
  })

  it('excepts a chain, once, whose awaited task resolves to something that cannot be read', async () => {
    const { runner } = checkpointingRunner()
    const unreadable = new Error('this getter cannot be read')
    const Awaits = defineWorkChain({
      name: 'AwaitsUnreadable',
      steps: {
        *start(_ctx) {
          yield* toContext({
            found: task(async () => ({
              get x(): number {
                throw unreadable
              },
            })),
          })
        },
        use() {},
      },
      outline: (s) => [s.start, s.use],
    })
    const process = Awaits.create({}, { runner })
    const done = process.execute().then(
      () => undefined,
      (error: unknown) => error,
    )
    await until(() => process.hasTerminated())
    expect(unhandled).toEqual([])
    expect(process.state).toBe('EXCEPTED')
    expect(await done).toBe(unreadable)
  })

  it('refuses a resume value that is not JSON, leaving the process waiting', async () => {
    const { runner } = checkpointingRunner()
    const Waits = defineProcess({
      name: 'Waits',
      steps: { run: () => Wait('done'), done: () => 'ok' },
    })
    const process = Waits.create({}, { runner })
    void process.execute()
    expect(process.state).toBe('WAITING')
    expect(() => process.resume(NaN)).toThrow(/the resume value: NaN is not JSON/)
    expect(process.state).toBe('WAITING')
  })

  it('refuses inputs that are not JSON when the process is created', () => {
    const { runner } = checkpointingRunner()
    const Takes = defineProcess({
      name: 'Takes',
      spec: { inputs: { when: input(t.unknown) } },
      steps: { run: () => undefined },
    })
    expect(() => Takes.create({ when: new Date(0) }, { runner })).toThrow(
      /inputs\.when: a Date is not JSON/,
    )
  })

  it('lets a runner that takes no checkpoints keep whatever it likes', async () => {
    const process = Stamped.create({}, { runner: quietRunner() })
    await process.stepUntilTerminated()
    expect(process.state).toBe('FINISHED')
    expect((process.ctx as { when: unknown }).when).toBeInstanceOf(Date)
    // Bundling it anyway is the typed error, not a checkpoint that changes the Date.
    expect(() => bundle(process)).toThrow(CheckpointError)
    expect(() => bundle(process)).toThrow(/ctx\.when: a Date is not JSON/)
  })
})
