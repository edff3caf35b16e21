import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { launch, out, sleep, task, toContext } from '../../lib/commands/index.js'
import { step } from '../../lib/process/declare-step.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { TestClock } from '../../lib/testing/test-clock.js'
import { formatWait } from '../../lib/waits/describe.js'
import { quietRunner } from './helpers.js'

const START = Date.parse('2026-03-01T00:00:00Z')

/** How often each pid's step has run: the step fails until it has run `failures` times. */
const runs = new Map<string, number>()

class Flake extends Error {
  override readonly name = 'Flake'
}

const Flaky = defineProcess({
  name: 'Flaky',
  spec: {
    inputs: { failures: input(t.number), fatal: input(t.boolean, { default: false }) },
    outputs: { attempts: output(t.number) },
  },
  steps: {
    run: step(
      {
        retry: {
          maxAttempts: 3,
          initialDelay: '10s',
          factor: 3,
          retryOn: (error) => error.name === 'Flake',
        },
      },
      (_ctx, { inputs, pid }) => {
        const n = (runs.get(pid) ?? 0) + 1
        runs.set(pid, n)
        if (n <= inputs.failures)
          throw inputs.fatal ? new TypeError('fatal') : new Flake(`no. ${n}`)
        return out('attempts', n)
      },
    ),
  },
})

const registry = DefinitionRegistry.of(Flaky)

/** Turn the event loop until `done()` holds (tasks settle on later turns). */
const until = async (done: () => boolean): Promise<void> => {
  for (let turn = 0; turn < 100 && !done(); turn++)
    await new Promise((resolve) => setImmediate(resolve))
}

const onTestClock = (start = START) => {
  const clock = new TestClock(start)
  return { clock, runner: quietRunner({ clock }) }
}

describe('a step with a retry policy', () => {
  it('runs again after a durable backoff, growing by the factor', async () => {
    const { clock, runner } = onTestClock()
    const flaky = Flaky.create({ failures: 2 }, { runner, pid: 'again' })
    const done = flaky.execute()
    expect(flaky.state).toBe('WAITING')
    expect(flaky.snapshot.retry).toMatchObject({
      step: 'run',
      attempt: 2,
      maxAttempts: 3,
      deadline: START + 10_000,
      lastError: { name: 'Flake', message: 'no. 1' },
    })
    clock.advance('9s')
    expect(runs.get('again')).toBe(1)
    clock.advance('1s')
    expect(runs.get('again')).toBe(2)
    expect(flaky.snapshot.retry?.deadline).toBe(START + 10_000 + 30_000)
    clock.advance('30s')
    expect(await done).toEqual({ attempts: 3 })
    expect(flaky.snapshot.retry).toBeUndefined()
  })

  it('ends EXCEPTED naming the step, the attempts and the last error once they are spent', async () => {
    const { clock, runner } = onTestClock()
    const flaky = Flaky.create({ failures: 5 }, { runner, pid: 'spent' })
    const done = flaky.execute()
    clock.advance('1h')
    await expect(done).rejects.toThrow('step run failed after 3 attempts: no. 3')
    expect(runs.get('spent')).toBe(3)
    const state = flaky.snapshot.state
    expect(state._tag === 'EXCEPTED' && state.error.name).toBe('Flake')
  })

  it('ends EXCEPTED at once when retryOn refuses the error', async () => {
    const { runner } = onTestClock()
    const flaky = Flaky.create({ failures: 1, fatal: true }, { runner, pid: 'refused' })
    await expect(flaky.execute()).rejects.toThrow(
      'step run failed on attempt 1 of 3, not retried (retryOn refused TypeError): fatal',
    )
    expect(runs.get('refused')).toBe(1)
  })

  it('keeps the attempt and the deadline in the checkpoint, and re-arms them on reload', async () => {
    const { runner: first } = onTestClock()
    const flaky = Flaky.create({ failures: 1 }, { runner: first, pid: 'reload' })
    void flaky.execute()
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(bundle(flaky))
    const saved = await persister.loadCheckpoint('reload')
    const json = encodeCheckpoint(saved) as Record<string, unknown>
    expect(json['retry']).toEqual({
      step: 'run',
      n: 2,
      of: 3,
      until: START + 10_000,
      last: { name: 'Flake', message: 'no. 1' },
    })
    const back = decodeCheckpoint(JSON.parse(JSON.stringify(json)))
    expect(back._tag === 'Right' && back.right).toEqual(saved)

    const { clock, runner } = onTestClock(START + 5_000)
    const reloaded = await loadProcess(runner, persister, registry, 'reload')
    const done = reloaded.stepUntilTerminated()
    clock.advance('4s')
    expect(reloaded.state).toBe('WAITING')
    clock.advance('1s')
    await done
    expect(reloaded.outputs).toEqual({ attempts: 2 })
  })

  it('holds a due backoff while paused, until play', async () => {
    const { clock, runner } = onTestClock()
    const flaky = Flaky.create({ failures: 1 }, { runner, pid: 'paused' })
    const done = flaky.execute()
    expect(await flaky.pause()).toBe(true)
    clock.advance('1 min')
    expect(runs.get('paused')).toBe(1)
    expect(flaky.state).toBe('WAITING')
    flaky.play()
    expect(await done).toEqual({ attempts: 2 })
  })

  it('clears the backoff of a killed process', async () => {
    const { clock, runner } = onTestClock()
    const flaky = Flaky.create({ failures: 1 }, { runner, pid: 'killed' })
    void flaky.execute().catch(() => {})
    expect(clock.pending).toBe(1)
    expect(await flaky.kill('enough')).toBe(true)
    expect(clock.pending).toBe(0)
    clock.advance('1 min')
    expect(runs.get('killed')).toBe(1)
  })
})

/** A task that fails until it has been started `failures` times. */
const tries = new Map<string, number>()

const Fetcher = defineProcess({
  name: 'Fetcher',
  spec: { inputs: { failures: input(t.number) }, outputs: { got: output(t.number) } },
  steps: {
    run: step(
      { retry: { maxAttempts: 2, initialDelay: '1s' }, timeout: '5s' },
      function* (_ctx, { inputs, pid }) {
        const { got } = yield* toContext({
          got: task(async () => {
            const n = (tries.get(pid) ?? 0) + 1
            tries.set(pid, n)
            if (n <= inputs.failures) throw new Flake(`task no. ${n}`)
            return n
          }),
        })
        yield* out('got', got as number)
      },
    ),
  },
})

describe('a step whose awaited work fails', () => {
  it('retries the step when the task it awaits fails', async () => {
    const { clock, runner } = onTestClock()
    const fetcher = Fetcher.create({ failures: 1 }, { runner, pid: 'task-1' })
    const done = fetcher.execute()
    await until(() => fetcher.snapshot.retry?.deadline !== undefined)
    expect(fetcher.snapshot.retry).toMatchObject({ attempt: 2, deadline: START + 1_000 })
    clock.advance('1s')
    expect(await done).toEqual({ got: 2 })
  })
})

/** Waits on a task that never settles, or on a child that sleeps an hour. */
const Sleeper = defineProcess({
  name: 'Sleeper',
  spec: { outputs: { woke: output(t.number) } },
  steps: {
    *run() {
      yield* out('woke', yield* sleep('1h'))
    },
  },
})

const Impatient = defineProcess({
  name: 'Impatient',
  spec: { inputs: { child: input(t.boolean) }, outputs: {} },
  steps: {
    *run(_ctx, { inputs }) {
      if (inputs.child) yield* toContext({ nap: launch(Sleeper, {}, { timeout: '1 min' }) })
      else yield* toContext({ hang: task(() => new Promise(() => {}), { timeout: '5s' }) })
    },
  },
})

describe('a timeout on awaited work', () => {
  it('fails the wait with a TimeoutError naming the task, which it abandons', async () => {
    const { clock, runner } = onTestClock()
    const impatient = Impatient.create({ child: false }, { runner })
    const done = impatient.execute()
    clock.advance('4s')
    expect(impatient.state).toBe('WAITING')
    clock.advance('1s')
    await expect(done).rejects.toThrow("awaited 'hang' timed out")
    const state = impatient.snapshot.state
    expect(state._tag === 'EXCEPTED' && state.error.name).toBe('TimeoutError')
  })

  it('kills the child it timed out on', async () => {
    const { clock, runner } = onTestClock()
    const impatient = Impatient.create({ child: true }, { runner })
    const done = impatient.execute().catch((error: unknown) => error)
    const state = impatient.snapshot.state
    const ref = state._tag === 'WAITING' ? state.awaiting[0]?.ref : undefined
    const child = ref?._tag === 'Child' ? runner.get(ref.pid) : undefined
    await until(() => child?.state === 'WAITING')
    expect(child?.state).toBe('WAITING')
    clock.advance('1 min')
    expect(String(await done)).toContain("awaited 'nap' timed out")
    await until(() => child?.state === 'KILLED')
    expect(child?.state).toBe('KILLED')
    expect(clock.pending).toBe(0)
  })

  it('retries a guarded step whose own timeout fired, cancelling the task it waited on', async () => {
    const { clock, runner } = onTestClock()
    const fetcher = Slow.create({}, { runner, pid: 'slow-1' })
    const done = fetcher.execute()
    clock.advance('5s')
    expect(fetcher.snapshot.retry).toMatchObject({
      attempt: 2,
      lastError: { name: 'TimeoutError', message: 'step run: timed out' },
    })
    clock.advance('1s')
    expect(await done).toEqual({ got: 2 })
  })
})

/** Its task hangs the first time and answers the second. */
const Slow = defineProcess({
  name: 'Slow',
  spec: { outputs: { got: output(t.number) } },
  steps: {
    run: step(
      { retry: { maxAttempts: 2, initialDelay: '1s' }, timeout: '5s' },
      function* (_ctx, { pid }) {
        const { got } = yield* toContext({
          got: task(() => {
            const n = (tries.get(pid) ?? 0) + 1
            tries.set(pid, n)
            return n === 1 ? new Promise<number>(() => {}) : Promise.resolve(n)
          }),
        })
        yield* out('got', got)
      },
    ),
  },
})

describe('listeners of a retried step', () => {
  it('hear what the process waits for, the backoff included', async () => {
    const { clock, runner } = onTestClock()
    const heard: string[] = []
    const flaky = Flaky.create(
      { failures: 1 },
      {
        runner,
        pid: 'heard',
        listeners: [
          {
            onProcessWaiting: (_p, waits) =>
              heard.push(waits.map((w) => formatWait(w, clock.now())).join('; ')),
          },
        ],
      },
    )
    const done = flaky.execute()
    clock.advance('10s')
    await done
    expect(heard).toEqual([
      'retry run: attempt 2 of 3 at 2026-03-01T00:00:10.000Z (in 10s), after Flake: no. 1',
    ])
  })
})
