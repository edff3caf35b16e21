/**
 * `recordHistory`: a runner plugin that appends each process's transitions, pauses and plays to
 * a store's history, timed by the runner's clock, naming the step that made each transition.
 */
import * as t from 'io-ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Continue, log, waitForResume } from '../../lib/commands/index.js'
import { input } from '../../lib/ports/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import type { ProcessHistory } from '../../lib/persistence/catalog/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { recordHistory } from '../../lib/runtime/history.js'
import type { StepRun } from '../../lib/runtime/host.js'
import { quietRunner, recordingLogger, turns } from './helpers.js'

const Greeter = defineProcess({
  name: 'Greeter',
  spec: { inputs: { who: input(t.string) } },
  steps: {
    *run(_ctx, { inputs }) {
      yield* log.info(`hello ${inputs.who}`)
      return Continue('ask')
    },
    *ask() {
      yield* waitForResume(t.boolean, 'polite?')
      return Continue('greet')
    },
    greet: () => undefined,
  },
})

/** A clock that moves 10 ms each time it is read. */
const tickingClock = (start = 1_000_000) => {
  let now = start
  return () => (now += 10)
}

const runRecorded = async (history: ProcessHistory) => {
  const runner = quietRunner({ clock: tickingClock() })
  const recorder = recordHistory({ history, clock: runner.clock, logger: runner.logger })
  runner.use(recorder)
  const process = Greeter.create({ who: 'Ada' }, { runner, status: 'new' })
  void process.stepUntilTerminated()
  await turns()
  await process.pause('held')
  process.play()
  process.resume(true)
  await process.stepUntilTerminated()
  await recorder.flush()
  return process.pid
}

describe('recordHistory', () => {
  it.each([
    ['InMemoryPersister', async () => ({ store: new InMemoryPersister(), done: async () => {} })],
    [
      'SqlitePersister',
      async () => {
        const directory = await mkdtemp(join(tmpdir(), 'plumpy-history-'))
        const store = new SqlitePersister({ path: join(directory, 'h.db') })
        return {
          store,
          done: async () => {
            await store.close()
            await rm(directory, { recursive: true, force: true })
          },
        }
      },
    ],
  ])(
    'records transitions, pauses and plays with their step, time and duration (%s)',
    async (_name, open) => {
      const { store, done } = await open()
      try {
        const pid = await runRecorded(store)
        const entries = await store.readHistory(pid)
        expect(entries.map((e) => [e.kind, e.from, e.to, e.step])).toEqual([
          ['transition', null, 'CREATED', undefined],
          ['transition', 'CREATED', 'RUNNING', undefined],
          ['transition', 'RUNNING', 'RUNNING', 'run'],
          ['transition', 'RUNNING', 'WAITING', 'ask'],
          ['paused', 'WAITING', 'WAITING', undefined],
          ['played', 'WAITING', 'WAITING', undefined],
          ['transition', 'WAITING', 'RUNNING', undefined],
          // `ask` goes on after its wait, and then continues to `greet`.
          ['transition', 'RUNNING', 'RUNNING', 'ask'],
          ['transition', 'RUNNING', 'FINISHED', 'greet'],
        ])
        const times = entries.map((e) => e.at)
        expect(times.every((at) => at > 1_000_000 && at % 10 === 0)).toBe(true)
        expect([...times].sort((a, b) => a - b)).toEqual(times)
        // Each transition's duration is the time since the one before it (the clock ticks 10 ms
        // per read, and pauses read it too).
        const transitions = entries.filter((e) => e.kind === 'transition')
        expect(transitions[0]?.durationMs).toBeUndefined()
        for (let i = 1; i < transitions.length; i++)
          expect(transitions[i]?.durationMs).toBe(
            (transitions[i]?.at as number) - (transitions[i - 1]?.at as number),
          )
        expect(entries[4]?.status).toBe('held')
        expect(entries[0]?.status).toBe('new')
      } finally {
        await done()
      }
    },
  )

  it('appends the entries of a window in one write, and flush() writes at once', async () => {
    const store = new InMemoryPersister()
    const appends: number[] = []
    /** While set, an append waits for it: a write in flight. */
    let gate: Promise<void> = Promise.resolve()
    const history: ProcessHistory = {
      appendHistory: async (entries) => {
        appends.push(entries.length)
        await gate
        return store.appendHistory(entries)
      },
      readHistory: (pid) => store.readHistory(pid),
      applyHistoryRetention: () => store.applyHistoryRetention(),
    }
    const runner = quietRunner()
    const recorder = recordHistory({
      history,
      clock: runner.clock,
      logger: runner.logger,
      batchWindowMs: 60_000,
    })
    runner.use(recorder)
    const finish = async (who: string) => {
      const process = Greeter.create({ who }, { runner })
      void process.stepUntilTerminated()
      await turns()
      process.resume(true)
      await process.stepUntilTerminated()
      return process.pid
    }
    // Three processes, each finishing in turns of its own: one write for all of them.
    for (const who of ['Ada', 'Bo', 'Cy']) await finish(who)
    expect(appends).toEqual([])
    await recorder.flush()
    expect(appends).toEqual([3 * 7])
    // Recorded while a write is in flight: they wait for it, then go in one write.
    let open = () => {}
    gate = new Promise((resolve) => (open = resolve))
    const first = Greeter.create({ who: 'Di' }, { runner })
    void first.stepUntilTerminated()
    await turns()
    const flushed = recorder.flush()
    await turns()
    expect(appends).toEqual([21, 4])
    first.resume(true)
    await first.stepUntilTerminated()
    const last = await finish('Ed')
    expect(appends).toEqual([21, 4])
    open()
    await flushed
    await recorder.flush()
    expect(appends).toEqual([21, 4, 7 + 3])
    expect((await store.readHistory(last)).map((e) => e.to)).toEqual([
      'CREATED',
      'RUNNING',
      'RUNNING',
      'WAITING',
      'RUNNING',
      'RUNNING',
      'FINISHED',
    ])
    recorder.stop()
  })

  it('tells step observers which step ran and for how long', async () => {
    const runs: StepRun[] = []
    const runner = quietRunner()
    runner.use({ stepRan: (_process, run) => void runs.push(run) })
    const process = Greeter.create({ who: 'Bo' }, { runner })
    void process.stepUntilTerminated()
    await turns()
    process.resume(true)
    await process.stepUntilTerminated()
    expect(runs.map((run) => [run.step, run.failed])).toEqual([
      ['run', false],
      ['ask', false],
      ['ask', false],
      ['greet', false],
    ])
    expect(runs.every((run) => run.durationMs >= 0)).toBe(true)
  })

  it('gives the logger the pid, the definition and the step of a step log line', async () => {
    const seen: unknown[] = []
    const { logger } = recordingLogger()
    const runner = quietRunner({
      logger: { ...logger, info: (message, context) => void seen.push({ message, context }) },
    })
    const process = Greeter.create({ who: 'Cy' }, { runner })
    void process.stepUntilTerminated()
    await turns()
    expect(seen).toEqual([
      { message: 'hello Cy', context: { pid: process.pid, definition: 'Greeter', step: 'run' } },
    ])
    await process.kill()
  })
})
