import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { launch, out, race, sleep, task, toContext } from '../../lib/commands/index.js'
import { step } from '../../lib/process/declare-step.js'
import type { Pending } from '../../lib/process/state.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { loadProcess } from '../../lib/runtime/load.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { TestClock } from '../../lib/testing/test-clock.js'
import { formatWaits, waitsOf } from '../../lib/waits/describe.js'
import { quietRunner } from './helpers.js'

const START = Date.parse('2026-03-01T00:00:00Z')

class Flake extends Error {
  override readonly name = 'Flake'
}

/** Turn the event loop until `done()` holds (tasks and children settle on later turns). */
const until = async (done: () => boolean): Promise<void> => {
  for (let turn = 0; turn < 200 && !done(); turn++)
    await new Promise((resolve) => setImmediate(resolve))
}

const onTestClock = (start = START) => {
  const clock = new TestClock(start)
  return { clock, runner: quietRunner({ clock }) }
}

const pendingOf = (process: ProcessHandle, key: string): Pending | undefined => {
  const state = process.snapshot.state
  return state._tag === 'WAITING' ? state.awaiting.find((p) => p.key === key) : undefined
}

const backingOff = (process: ProcessHandle, key: string) => () =>
  pendingOf(process, key)?.retry?.deadline !== undefined

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
        got: task(
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

describe('a retry policy on an awaitable', () => {
  it('is checked where it is written, naming the awaitable and the field', () => {
    expect(() => launch(Shaky, { tag: 'x', failures: 0 }, { retry: { maxAttempts: 0 } })).toThrow(
      'launch(Shaky).retry.maxAttempts must be a whole number ≥ 1, got 0',
    )
    expect(() =>
      task(async () => 1, { retry: { maxAttempts: 2, initialDelay: 'soon' as '1s' } }),
    ).toThrow(/^task\.retry\.initialDelay: /)
  })
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
        got: task(
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

/** Save a process backing off on `key`, and load it on a runner whose clock starts at `at`. */
const reloadBackingOff = async (
  process: ProcessHandle,
  key: string,
  registry: DefinitionRegistry,
  at: number,
) => {
  await until(backingOff(process, key))
  const persister = new InMemoryPersister()
  await persister.saveCheckpoint(bundle(process))
  const { clock, runner } = onTestClock(at)
  return { clock, reloaded: await loadProcess(runner, persister, registry, process.pid) }
}

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

/** Fails (EXCEPTED) until it has run `failures` times for the parent named by `tag`. */
const childRuns = new Map<string, number>()

const Shaky = defineProcess({
  name: 'Shaky',
  spec: {
    inputs: { tag: input(t.string), failures: input(t.number) },
    outputs: { run: output(t.number) },
  },
  steps: {
    run: (_ctx, { inputs }) => {
      const n = (childRuns.get(inputs.tag) ?? 0) + 1
      childRuns.set(inputs.tag, n)
      if (n <= inputs.failures) throw new Flake(`child run ${n}`)
      return out('run', n)
    },
  },
})

const Parent = defineProcess({
  name: 'Parent',
  spec: {
    inputs: { tag: input(t.string), failures: input(t.number) },
    outputs: { run: output(t.number) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      const { child } = yield* toContext({
        child: launch(
          Shaky,
          { tag: inputs.tag, failures: inputs.failures },
          { retry: { maxAttempts: 3, initialDelay: '1 min' } },
        ),
      })
      yield* out('run', child.run)
    },
  },
})

/** The same wait from a plain work chain step: after a reload only the snapshot's data is left. */
const PlainParent = defineWorkChain({
  name: 'PlainParent',
  spec: {
    inputs: { tag: input(t.string), failures: input(t.number) },
    outputs: { run: output(t.number) },
  },
  context: () => ({ child: { run: 0 } }),
  steps: {
    ask: (_ctx, { inputs }) =>
      toContext({
        child: launch(
          Shaky,
          { tag: inputs.tag, failures: inputs.failures },
          { retry: { maxAttempts: 3, initialDelay: '1 min' } },
        ),
      }),
    finish: (ctx) => out('run', ctx.child.run),
  },
  outline: (s) => [s.ask, s.finish],
})

const childPid = (process: ProcessHandle, key: string): string | undefined => {
  const ref = pendingOf(process, key)?.ref
  return ref?._tag === 'Child' ? ref.pid : undefined
}

describe('a launched child with a retry policy', () => {
  it('is launched again, from the same inputs, after it EXCEPTs twice', async () => {
    const { clock, runner } = onTestClock()
    const parent = Parent.create({ tag: 'twice', failures: 2 }, { runner })
    const done = parent.execute()
    const first = childPid(parent, 'child')
    await until(backingOff(parent, 'child'))
    expect(runner.get(first ?? '')?.state ?? 'EXCEPTED').toBe('EXCEPTED')
    clock.advance('1 min')
    const second = childPid(parent, 'child')
    expect(second).toBeDefined()
    expect(second).not.toBe(first)
    await until(backingOff(parent, 'child'))
    expect(pendingOf(parent, 'child')?.retry).toMatchObject({
      attempt: 3,
      deadline: START + 60_000 + 120_000,
      lastError: { name: 'Flake', message: 'child run 2' },
    })
    clock.advance('2 min')
    expect(await done).toEqual({ run: 3 })
    expect(childRuns.get('twice')).toBe(3)
  })

  it('keeps its attempt, deadline, definition and inputs in the checkpoint, and relaunches after a reload', async () => {
    const { runner: first } = onTestClock()
    const parent = Parent.create({ tag: 'reload', failures: 1 }, { runner: first, pid: 'p-reload' })
    void parent.execute().catch(() => {})
    await until(backingOff(parent, 'child'))
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(bundle(parent))
    const saved = await persister.loadCheckpoint('p-reload')
    const json = encodeCheckpoint(saved) as { awaiting?: unknown[] }
    expect(json.awaiting?.[0]).toEqual({
      key: 'child',
      timer: START + 60_000,
      retry: {
        n: 2,
        of: 3,
        delay: 60_000,
        factor: 2,
        until: START + 60_000,
        last: { name: 'Flake', message: 'child run 1' },
        launch: { def: 'Shaky', inputs: { tag: 'reload', failures: 1 } },
      },
    })
    const back = decodeCheckpoint(JSON.parse(JSON.stringify(json)))
    expect(back._tag === 'Right' && back.right).toEqual(saved)
    const state = saved.snapshot.state
    expect(state._tag === 'WAITING' && state.awaiting[0]?.retry).toMatchObject({
      attempt: 2,
      deadline: START + 60_000,
      relaunch: { definition: 'Shaky', inputs: { tag: 'reload', failures: 1 } },
    })

    const { clock, runner } = onTestClock(START + 30_000)
    const registry = DefinitionRegistry.of(Parent, Shaky)
    const reloaded = await loadProcess(runner, persister, registry, 'p-reload')
    const done = reloaded.stepUntilTerminated()
    clock.advance('29s')
    expect(childRuns.get('reload')).toBe(1)
    clock.advance('1s')
    await done
    expect(reloaded.outputs).toEqual({ run: 2 })
    expect(childRuns.get('reload')).toBe(2)
  })

  it('fails clearly after a reload when a plain step waits and the registry lacks the definition', async () => {
    const { runner: first } = onTestClock()
    const parent = PlainParent.create(
      { tag: 'lacks', failures: 1 },
      { runner: first, pid: 'p-lacks' },
    )
    void parent.execute().catch(() => {})
    await until(backingOff(parent, 'child'))
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(bundle(parent))
    const { clock, runner } = onTestClock(START + 60_000)
    const registry = DefinitionRegistry.of(PlainParent)
    const reloaded = await loadProcess(runner, persister, registry, 'p-lacks')
    const done = reloaded.stepUntilTerminated()
    clock.advance(0)
    await done
    const state = reloaded.snapshot.state
    expect(state._tag === 'EXCEPTED' && state.error.message).toBe(
      "entry 'child' failed on attempt 2 of 3, not retried (its definition is not in the " +
        "registry): entry 'child' cannot launch Shaky again: no definition of that name is " +
        'registered with the registry process p-lacks was loaded from',
    )
  })

  it('is launched again after a reload from the definition name and inputs when a plain step waits', async () => {
    const { runner: first } = onTestClock()
    const parent = PlainParent.create(
      { tag: 'plain', failures: 1 },
      { runner: first, pid: 'p-plain' },
    )
    void parent.execute().catch(() => {})
    await until(backingOff(parent, 'child'))
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(bundle(parent))
    const { clock, runner } = onTestClock(START + 60_000)
    const registry = DefinitionRegistry.of(PlainParent, Shaky)
    const reloaded = await loadProcess(runner, persister, registry, 'p-plain')
    const done = reloaded.stepUntilTerminated()
    clock.advance(0)
    await done
    expect(reloaded.outputs).toEqual({ run: 2 })
  })

  it('holds a due backoff while paused, and launches again on play', async () => {
    const { clock, runner } = onTestClock()
    const parent = Parent.create({ tag: 'paused', failures: 1 }, { runner })
    const done = parent.execute()
    await until(backingOff(parent, 'child'))
    expect(await parent.pause()).toBe(true)
    clock.advance('5 min')
    expect(childRuns.get('paused')).toBe(1)
    expect(backingOff(parent, 'child')()).toBe(true)
    parent.play()
    expect(await done).toEqual({ run: 2 })
  })

  it('clears the backoff of a killed parent, and launches nothing more', async () => {
    const { clock, runner } = onTestClock()
    const parent = Parent.create({ tag: 'killed', failures: 1 }, { runner })
    void parent.execute().catch(() => {})
    await until(backingOff(parent, 'child'))
    expect(clock.pending).toBe(1)
    expect(await parent.kill('enough')).toBe(true)
    expect(clock.pending).toBe(0)
    clock.advance('5 min')
    await until(() => false)
    expect(childRuns.get('killed')).toBe(1)
  })
})

/** Races a retried child against a timer. */
const Racer = defineProcess({
  name: 'Racer',
  spec: {
    inputs: { tag: input(t.string), failures: input(t.number) },
    outputs: { winner: output(t.string) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      const won = yield* race({
        child: launch(
          Shaky,
          { tag: inputs.tag, failures: inputs.failures },
          { retry: { maxAttempts: 5, initialDelay: '1 min' } },
        ),
        late: sleep('90s'),
      })
      yield* out('winner', Object.keys(won)[0] ?? '')
    },
  },
})

describe('a race with a retried entry', () => {
  it('is won by the entry once an attempt succeeds: a failure in backoff has not settled', async () => {
    const { clock, runner } = onTestClock()
    const racer = Racer.create({ tag: 'race-win', failures: 1 }, { runner })
    const done = racer.execute()
    await until(backingOff(racer, 'child'))
    expect(racer.state).toBe('WAITING')
    clock.advance('1 min')
    expect(await done).toEqual({ winner: 'child' })
    expect(clock.pending).toBe(0)
  })

  it('is won by the timer while the entry backs off, which clears the backoff', async () => {
    const { clock, runner } = onTestClock()
    const racer = Racer.create({ tag: 'race-lose', failures: 9 }, { runner })
    const done = racer.execute()
    await until(backingOff(racer, 'child'))
    clock.advance('1 min')
    await until(backingOff(racer, 'child'))
    expect(pendingOf(racer, 'child')?.retry?.deadline).toBe(START + 60_000 + 120_000)
    clock.advance('30s')
    expect(await done).toEqual({ winner: 'late' })
    expect(clock.pending).toBe(0)
    expect(childRuns.get('race-lose')).toBe(2)
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
        got: task(
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
