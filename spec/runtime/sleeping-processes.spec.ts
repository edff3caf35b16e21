import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  out,
  race,
  sleep,
  sleepUntil,
  waitForSignal,
  type Duration,
} from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { PARK_AFTER_MS } from '../../lib/runtime/timers.js'
import { TestClock } from '../../lib/testing/test-clock.js'
import { quietRunner } from './helpers.js'
import { Approve } from './signal-fixtures.js'

const START = Date.parse('2026-03-01T00:00:00Z')

/** How many times the body of `Dozer`'s step has started (a replay starts it again). */
let dozeStarts = 0

/** Changes its context before and after a sleep inside one step, then reports both. */
const Dozer = defineWorkChain({
  name: 'Dozer',
  spec: {
    inputs: { nap: input(t.string) },
    outputs: { woke: output(t.number), counted: output(t.number) },
  },
  context: () => ({ counted: 0 }),
  steps: {
    *doze(ctx, { inputs }) {
      dozeStarts += 1
      ctx.counted += 1
      const woke = yield* sleep(inputs.nap as Duration)
      ctx.counted += 10
      yield* out('woke', woke)
      yield* out('counted', ctx.counted)
    },
  },
  outline: (s) => [s.doze],
})

/** Sleeps until an instant given as input. */
const Alarm = defineProcess({
  name: 'SleepingAlarm',
  spec: { inputs: { at: input(t.number) }, outputs: { woke: output(t.number) } },
  steps: {
    *run(_ctx, { inputs }) {
      yield* out('woke', yield* sleepUntil(inputs.at))
    },
  },
})

/** Waits for an approval for a day at most. */
const Patient = defineProcess({
  name: 'Patient',
  spec: { outputs: { by: output(t.string) } },
  steps: {
    *run() {
      const won = yield* race({ approved: waitForSignal(Approve), late: sleep('1 day') })
      yield* out('by', 'approved' in won ? won.approved.by : 'nobody')
    },
  },
})

const onTestClock = () => {
  const clock = new TestClock(START)
  return { clock, runner: quietRunner({ clock }) }
}

describe('processes sleeping on a runner', () => {
  it('share one timer of the clock, armed for the earliest deadline', async () => {
    const { clock, runner } = onTestClock()
    const alarms = Array.from({ length: 1_000 }, (_, i) =>
      Alarm.create({ at: START + 1_000 + ((i * 7) % 1_000) }, { runner }),
    )
    const done = alarms.map((alarm) => alarm.execute())
    expect(runner.timers.size).toBe(1_000)
    expect(clock.pending).toBe(1)
    expect(clock.nextDeadline).toBe(START + 1_000)
    clock.advance(2_000)
    await Promise.all(done)
    expect(alarms.every((alarm, i) => alarm.outputs.woke === START + 1_000 + ((i * 7) % 1_000)))
    expect(clock.pending).toBe(0)
  })

  it('wake at one instant in the order they went to sleep, all in that turn', async () => {
    const { clock, runner } = onTestClock()
    const woken: string[] = []
    runner.use({
      stateChanged: (process, from) => void (from === 'WAITING' && woken.push(process.pid)),
    })
    const alarms = Array.from({ length: 200 }, (_, i) =>
      Alarm.create({ at: START + 5_000 }, { runner, pid: `alarm-${i}` }),
    )
    const done = alarms.map((alarm) => alarm.execute())
    clock.advance(5_000)
    expect(alarms.every((alarm) => alarm.state === 'FINISHED')).toBe(true)
    expect(woken).toEqual(alarms.map((alarm) => alarm.pid))
    await Promise.all(done)
  })

  it('park a long sleeper: its generator is dropped and replayed when it wakes', async () => {
    const { clock, runner } = onTestClock()
    dozeStarts = 0
    const dozer = Dozer.create({ nap: '1 day' }, { runner })
    const done = dozer.execute()
    expect(dozer.state).toBe('WAITING')
    expect(dozer.live).toBeUndefined()
    clock.advance('1 day')
    expect(await done).toEqual({ woke: START + 86_400_000, counted: 11 })
    expect(dozeStarts).toBe(2)
  })

  it('keep the generator of a short nap: it goes on without a replay', async () => {
    const { clock, runner } = onTestClock()
    dozeStarts = 0
    const dozer = Dozer.create({ nap: `${PARK_AFTER_MS - 1} ms` }, { runner })
    const done = dozer.execute()
    expect(dozer.live).toBeDefined()
    clock.advance(PARK_AFTER_MS)
    expect(await done).toEqual({ woke: START + PARK_AFTER_MS - 1, counted: 11 })
    expect(dozeStarts).toBe(1)
  })

  it('a parked process is paused, held past its deadline, and wakes on play', async () => {
    const { clock, runner } = onTestClock()
    const dozer = Dozer.create({ nap: '1 hour' }, { runner })
    const done = dozer.execute()
    expect(await dozer.pause('hold on')).toBe(true)
    clock.advance('2 hours')
    expect(dozer.state).toBe('WAITING')
    expect(runner.get(dozer.pid)).toBe(dozer)
    dozer.play()
    expect(await done).toEqual({ woke: START + 3_600_000, counted: 11 })
  })

  it('a parked process takes a signal: it is replayed and goes on', async () => {
    const { clock, runner } = onTestClock()
    const patient = Patient.create({}, { runner })
    const done = patient.execute()
    expect(patient.live).toBeUndefined()
    patient.signal(Approve, { by: 'ann' })
    expect(await done).toEqual({ by: 'ann' })
    expect(runner.timers.size).toBe(0)
    expect(clock.pending).toBe(0)
  })

  it('a killed sleeper leaves the queue at once, days before its deadline', async () => {
    const { clock, runner } = onTestClock()
    const sleepers = Array.from({ length: 3 }, (_, i) =>
      Alarm.create({ at: START + (i + 1) * 86_400_000 }, { runner }),
    )
    const done = sleepers.map((sleeper) => sleeper.execute().catch(() => 'killed'))
    expect(await sleepers[0]?.kill('enough')).toBe(true)
    expect(runner.timers.size).toBe(2)
    expect(clock.nextDeadline).toBe(START + 2 * 86_400_000)
    await Promise.all(sleepers.slice(1).map((sleeper) => sleeper.kill('enough')))
    expect(runner.timers.size).toBe(0)
    expect(clock.pending).toBe(0)
    expect(await Promise.all(done)).toEqual(['killed', 'killed', 'killed'])
  })

  it('sleepers of one definition waiting in its first step share one position', async () => {
    const { clock, runner } = onTestClock()
    const alarms = Array.from({ length: 3 }, (_, i) =>
      Alarm.create({ at: START + 86_400_000 + i }, { runner }),
    )
    const done = alarms.map((alarm) => alarm.execute())
    const positions = alarms.map((alarm) => {
      const state = alarm.snapshot.state
      if (state._tag !== 'WAITING') throw new Error(`${alarm.pid} is ${state._tag}`)
      return state.position
    })
    expect(positions[0]).toEqual({ _tag: 'Step', step: 'run', args: [], journal: { entries: [] } })
    expect(positions[1]).toBe(positions[0])
    expect(positions[2]).toBe(positions[0])
    clock.advance('2 days')
    expect(await Promise.all(done)).toEqual(
      alarms.map((_, i) => ({ woke: START + 86_400_000 + i })),
    )
  })
})
