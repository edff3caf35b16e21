import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { out, task, toContext } from '../../lib/commands/index.js'
import { EntryAttemptsOverError } from '../../lib/index.js'
import { step } from '../../lib/process/declare-step.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { formatWaits, waitsOf } from '../../lib/waits/describe.js'
import {
  START,
  Flake,
  backingOff,
  onTestClock,
  pendingOf,
  reloadBackingOff,
  until,
} from './retry-entry-helpers.js'

/** How often each pid's task was started. */
const starts = new Map<string, number>()

const startCounted = (pid: string): number => {
  const n = (starts.get(pid) ?? 0) + 1
  starts.set(pid, n)
  return n
}

/** A task that fails (`Flake`, or `TypeError` when `fatal`) until it has started `failures` times. */
const Fetch = defineProcess({
  name: 'Fetch',
  spec: {
    inputs: {
      failures: input(t.number),
      fatal: input(t.boolean, { default: false }),
      hangFirst: input(t.boolean, { default: false }),
    },
    outputs: { got: output(t.number) },
  },
  steps: {
    *run(_ctx, { inputs, pid }) {
      const { got } = yield* toContext({
        got: task<number>(
          () => {
            const n = startCounted(pid)
            if (inputs.hangFirst && n === 1) return new Promise<number>(() => {})
            if (n <= inputs.failures)
              return Promise.reject(inputs.fatal ? new TypeError('fatal') : new Flake(`no. ${n}`))
            return Promise.resolve(n)
          },
          {
            retry: {
              maxAttempts: 3,
              initialDelay: '10s',
              factor: 3,
              retryOn: (error) => error.name !== 'TypeError',
            },
            ...(inputs.hangFirst ? { timeout: '5s' } : {}),
          },
        ),
      })
      yield* out('got', got)
    },
  },
})

describe('a task with a retry policy', () => {
  it('succeeds on attempt 3 after backoffs of 10s and 30s, shown as it waits', async () => {
    const { clock, runner } = onTestClock()
    const fetch = Fetch.create({ failures: 2 }, { runner, pid: 'task-3' })
    const done = fetch.execute()
    await until(backingOff(fetch, 'got'))
    expect(pendingOf(fetch, 'got')?.retry).toMatchObject({
      attempt: 2,
      maxAttempts: 3,
      deadline: START + 10_000,
      lastError: { name: 'Flake', message: 'no. 1' },
    })
    expect(formatWaits(waitsOf(fetch.snapshot), clock.now())).toBe(
      'retry 2/3 of entry got at 2026-03-01T00:00:10.000Z (in 10s), after Flake: no. 1',
    )
    clock.advance('9s')
    await until(() => false)
    expect(starts.get('task-3')).toBe(1)
    clock.advance('1s')
    await until(backingOff(fetch, 'got'))
    expect(starts.get('task-3')).toBe(2)
    expect(pendingOf(fetch, 'got')?.retry).toMatchObject({
      attempt: 3,
      deadline: START + 10_000 + 30_000,
    })
    clock.advance('30s')
    expect(await done).toEqual({ got: 3 })
    expect(starts.get('task-3')).toBe(3)
  })

  it('ends EXCEPTED naming the entry, the attempts and the last error once they are spent', async () => {
    const { clock, runner } = onTestClock()
    const fetch = Fetch.create({ failures: 9 }, { runner, pid: 'task-spent' })
    const done = fetch.execute().catch((error: unknown) => error)
    await until(backingOff(fetch, 'got'))
    clock.advance('10s')
    await until(() => pendingOf(fetch, 'got')?.retry?.attempt === 3)
    await until(backingOff(fetch, 'got'))
    clock.advance('30s')
    const error = (await done) as Error & { entry?: string; attempts?: number }
    expect(error.message).toBe("entry 'got' failed after 3 attempts: no. 3")
    expect(error.name).toBe('Flake')
    expect([error.entry, error.attempts]).toEqual(['got', 3])
    expect(error).toBeInstanceOf(EntryAttemptsOverError)
    expect((error as Error).cause).toEqual(new Flake('no. 3'))
    const state = fetch.snapshot.state
    expect(state._tag === 'EXCEPTED' && state.error.message).toBe(
      "entry 'got' failed after 3 attempts: no. 3",
    )
    expect(starts.get('task-spent')).toBe(3)
  })

  it('is not retried when retryOn refuses the error', async () => {
    const { runner } = onTestClock()
    const fetch = Fetch.create({ failures: 1, fatal: true }, { runner, pid: 'task-fatal' })
    await expect(fetch.execute()).rejects.toThrow(
      "entry 'got' failed on attempt 1 of 3, not retried (retryOn refused TypeError): fatal",
    )
    expect(starts.get('task-fatal')).toBe(1)
  })

  it('retries an attempt that timed out, abandoning it', async () => {
    const { clock, runner } = onTestClock()
    const fetch = Fetch.create({ failures: 0, hangFirst: true }, { runner, pid: 'task-hang' })
    const done = fetch.execute()
    await until(() => starts.get('task-hang') === 1)
    expect(formatWaits(waitsOf(fetch.snapshot), clock.now())).toBe(
      'task (ctx.got); timeout of got at 2026-03-01T00:00:05.000Z (in 5s)',
    )
    clock.advance('5s')
    expect(pendingOf(fetch, 'got')?.retry).toMatchObject({
      attempt: 2,
      deadline: START + 15_000,
      lastError: { name: 'TimeoutError', message: "awaited 'got' timed out" },
    })
    expect(clock.pending).toBe(1)
    clock.advance('10s')
    expect(await done).toEqual({ got: 2 })
    expect(clock.pending).toBe(0)
  })
})

/** The same task from a plain work chain step. */
const PlainFetch = defineWorkChain({
  name: 'PlainFetch',
  spec: { outputs: { got: output(t.number) } },
  context: () => ({ got: 0 }),
  steps: {
    ask: (_ctx, { pid }) =>
      toContext({
        got: task<number>(
          () => {
            const n = startCounted(pid)
            return n === 1 ? Promise.reject(new Flake('no. 1')) : Promise.resolve(n)
          },
          { retry: { maxAttempts: 3, initialDelay: '10s' } },
        ),
      }),
    finish: (ctx) => out('got', ctx.got),
  },
  outline: (s) => [s.ask, s.finish],
})

describe('a retried task after a reload mid-backoff', () => {
  it('starts again when its step is a generator: a replay gives its start function back', async () => {
    const { runner } = onTestClock()
    const fetch = Fetch.create({ failures: 1 }, { runner, pid: 'task-reload' })
    void fetch.execute().catch(() => {})
    const registry = DefinitionRegistry.of(Fetch)
    const { clock, reloaded } = await reloadBackingOff(fetch, 'got', registry, START + 5_000)
    const done = reloaded.stepUntilTerminated()
    clock.advance('5s')
    await done
    expect(reloaded.outputs).toEqual({ got: 2 })
    expect(starts.get('task-reload')).toBe(2)
  })

  it('fails, not retried, when a plain step registered it: its start is not in the checkpoint', async () => {
    const { runner } = onTestClock()
    const fetch = PlainFetch.create({}, { runner, pid: 'plain-task' })
    void fetch.execute().catch(() => {})
    const registry = DefinitionRegistry.of(PlainFetch)
    const { clock, reloaded } = await reloadBackingOff(fetch, 'got', registry, START + 5_000)
    const done = reloaded.stepUntilTerminated()
    clock.advance('5s')
    await done
    const state = reloaded.snapshot.state
    expect(state._tag === 'EXCEPTED' && state.error.message).toBe(
      "entry 'got' failed on attempt 2 of 3, not retried (a task cannot be started again after " +
        "a reload): awaited task 'got' was lost (the process was reloaded): its start function " +
        'is not in the checkpoint',
    )
    expect(starts.get('plain-task')).toBe(1)
  })
})

/** An entry that gives up inside a step that retries: the step's policy applies after. */
const stepRuns = new Map<string, number>()

const Layered = defineProcess({
  name: 'Layered',
  spec: { inputs: { failures: input(t.number) }, outputs: { got: output(t.number) } },
  steps: {
    run: step({ retry: { maxAttempts: 2, initialDelay: '1h' } }, function* (_ctx, { inputs, pid }) {
      stepRuns.set(pid, (stepRuns.get(pid) ?? 0) + 1)
      const { got } = yield* toContext({
        got: task<number>(
          () => {
            const n = startCounted(pid)
            return n <= inputs.failures ? Promise.reject(new Flake(`no. ${n}`)) : Promise.resolve(n)
          },
          { retry: { maxAttempts: 2, initialDelay: '1s' } },
        ),
      })
      yield* out('got', got)
    }),
  },
})

describe('a retried entry inside a retried step', () => {
  it("spends the entry's attempts first, then the step's", async () => {
    const { clock, runner } = onTestClock()
    const layered = Layered.create({ failures: 2 }, { runner, pid: 'layered' })
    const done = layered.execute()
    await until(backingOff(layered, 'got'))
    clock.advance('1s')
    await until(() => layered.snapshot.retry?.deadline !== undefined)
    expect(layered.snapshot.retry).toMatchObject({
      step: 'run',
      attempt: 2,
      lastError: { name: 'Flake', message: "entry 'got' failed after 2 attempts: no. 2" },
    })
    expect(stepRuns.get('layered')).toBe(1)
    clock.advance('1h')
    expect(await done).toEqual({ got: 3 })
    expect(stepRuns.get('layered')).toBe(2)
  })
})
