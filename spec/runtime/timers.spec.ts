import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { out, sleep, sleepUntil, type Duration } from '../../lib/commands/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { TestClock } from '../../lib/testing/test-clock.js'
import { quietRunner } from './helpers.js'

const START = Date.parse('2026-03-01T00:00:00Z')
const DAY = 86_400_000

/** Sleeps for `nap`, then emits the deadline it slept until. */
const Napper = defineProcess({
  name: 'Napper',
  spec: {
    inputs: { nap: input(t.string, { default: '3 days' }) },
    outputs: { woke: output(t.number) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      const woke = yield* sleep(inputs.nap as Duration)
      yield* out('woke', woke)
    },
  },
})

/** Sleeps until an instant given as input. */
const Alarm = defineProcess({
  name: 'Alarm',
  spec: { inputs: { at: input(t.number) }, outputs: { woke: output(t.number) } },
  steps: {
    *run(_ctx, { inputs }) {
      yield* out('woke', yield* sleepUntil(inputs.at))
    },
  },
})

const registry = DefinitionRegistry.of(Napper, Alarm)

const onTestClock = (start = START) => {
  const clock = new TestClock(start)
  return { clock, runner: quietRunner({ clock }) }
}

/** A Napper's checkpoint taken while it sleeps, saved in a fresh persister. */
const sleepingCheckpoint = async () => {
  const { runner } = onTestClock()
  const napper = Napper.create({}, { runner, pid: 'nap-1' })
  void napper.execute()
  const persister = new InMemoryPersister()
  await persister.saveCheckpoint(bundle(napper))
  return persister
}

describe('sleep on a runner', () => {
  it('waits with an absolute deadline from the runner clock, and goes on when it is due', async () => {
    const { clock, runner } = onTestClock()
    const napper = Napper.create({}, { runner })
    const done = napper.execute()
    expect(napper.state).toBe('WAITING')
    const state = napper.snapshot.state
    expect(state._tag === 'WAITING' && state.awaiting.map((p) => p.ref)).toEqual([
      { _tag: 'Timer', deadline: START + 3 * DAY },
    ])
    clock.advance('2 days')
    expect(napper.state).toBe('WAITING')
    clock.advance('1 day')
    expect(napper.state).toBe('FINISHED')
    expect(await done).toEqual({ woke: START + 3 * DAY })
    expect(clock.pending).toBe(0)
  })

  it('keeps the deadline in the checkpoint, and the duration in the journal', async () => {
    const persister = await sleepingCheckpoint()
    const saved = await persister.loadCheckpoint('nap-1')
    const json = encodeCheckpoint(saved) as Record<string, unknown>
    expect(json['awaiting']).toEqual([{ key: 'single', timer: START + 3 * DAY }])
    expect(json['asked']).toBe('sleep(259200000)')
    const back = decodeCheckpoint(JSON.parse(JSON.stringify(json)))
    expect(back._tag === 'Right' && back.right).toEqual(saved)
  })

  it('re-arms on reload before the deadline: the same deadline, not a new one', async () => {
    const persister = await sleepingCheckpoint()
    const { clock, runner } = onTestClock(START + DAY)
    const napper = await loadProcess(runner, persister, registry, 'nap-1')
    const done = napper.stepUntilTerminated()
    clock.advance('1 day')
    expect(napper.state).toBe('WAITING')
    clock.advance('1 day')
    await done
    expect(napper.outputs).toEqual({ woke: START + 3 * DAY })
  })

  it('fires at once on reload after the deadline', async () => {
    const persister = await sleepingCheckpoint()
    const { runner } = onTestClock(START + 4 * DAY)
    const napper = await loadProcess(runner, persister, registry, 'nap-1')
    await napper.stepUntilTerminated()
    expect(napper.state).toBe('FINISHED')
    expect(napper.outputs).toEqual({ woke: START + 3 * DAY })
  })

  it('holds a timer that falls due while paused until play', async () => {
    const { clock, runner } = onTestClock()
    const napper = Napper.create({}, { runner })
    const done = napper.execute()
    expect(await napper.pause('hold on')).toBe(true)
    clock.advance('4 days')
    expect(napper.state).toBe('WAITING')
    expect(napper.paused).toBe(true)
    napper.play()
    await done
    expect(napper.outputs).toEqual({ woke: START + 3 * DAY })
  })

  it('holds a due timer of a process reloaded paused until play', async () => {
    const { runner: first } = onTestClock()
    const napper = Napper.create({}, { runner: first, pid: 'nap-2' })
    void napper.execute()
    await napper.pause()
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(bundle(napper))
    const { runner } = onTestClock(START + 5 * DAY)
    const reloaded = await loadProcess(runner, persister, registry, 'nap-2')
    const done = reloaded.stepUntilTerminated()
    await new Promise((resolve) => setImmediate(resolve))
    expect(reloaded.state).toBe('WAITING')
    reloaded.play()
    await done
    expect(reloaded.outputs).toEqual({ woke: START + 3 * DAY })
  })

  it('clears the timer of a killed process', async () => {
    const { clock, runner } = onTestClock()
    const napper = Napper.create({}, { runner })
    void napper.execute().catch(() => {})
    expect(clock.pending).toBe(1)
    expect(await napper.kill('enough')).toBe(true)
    expect(napper.state).toBe('KILLED')
    expect(clock.pending).toBe(0)
  })

  it('fires the timers of several processes in deadline order', async () => {
    const { clock, runner } = onTestClock()
    const woke: string[] = []
    const naps = ['3h', '1h', '2h'].map((nap) =>
      Napper.create({ nap }, { runner, listeners: [{ onProcessFinished: () => woke.push(nap) }] }),
    )
    const done = naps.map((p) => p.execute())
    clock.advance('1 day')
    await Promise.all(done)
    expect(woke).toEqual(['1h', '2h', '3h'])
  })

  it('sleepUntil an instant that has passed fires at once', async () => {
    const { runner } = onTestClock()
    expect(await Alarm.create({ at: START - DAY }, { runner }).execute()).toEqual({
      woke: START - DAY,
    })
  })

  it('sleeps on the system clock, never waking before the deadline', async () => {
    const runner = quietRunner()
    const outputs = await Napper.create({ nap: '30ms' }, { runner }).execute()
    expect(Date.now()).toBeGreaterThanOrEqual(outputs.woke)
  })

  it('refuses a duration it cannot read where it is written', () => {
    expect(() => sleep('3 dayz' as Duration)).toThrow(/cannot read the duration '3 dayz'/)
    expect(() => sleep(-1)).toThrow(/≥ 0/)
  })
})
