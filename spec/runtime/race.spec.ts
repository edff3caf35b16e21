import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { bundle } from '../../lib/checkpoint/bundle.js'
import {
  all,
  detached,
  launch,
  out,
  race,
  sleep,
  task,
  waitForSignal,
} from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { checkResumeEquivalence, driveDefinition, scriptSignal } from '../../lib/testing/index.js'
import { TestClock } from '../../lib/testing/test-clock.js'
import { Approve } from './signal-fixtures.js'
import { quietRunner } from './helpers.js'

/** Sleeps `nap`, then emits its deadline. */
const Child = defineProcess({
  name: 'RaceChild',
  spec: { inputs: { nap: input(t.string) }, outputs: { woke: output(t.number) } },
  steps: {
    *run(_ctx, { inputs }) {
      yield* out('woke', yield* sleep(inputs.nap as '1h'))
    },
  },
})

/** An approval, or two days: whichever comes first. */
const Deadline = defineProcess({
  name: 'Deadline',
  spec: { outputs: { outcome: output(t.string) } },
  steps: {
    *run() {
      const won = yield* race({ approved: waitForSignal(Approve), late: sleep('2 days') })
      yield* out('outcome', 'approved' in won ? `approved by ${won.approved.by}` : 'too late')
    },
  },
})

/** A child (detached or not) against a timer. */
const ChildOrTimer = defineProcess({
  name: 'ChildOrTimer',
  spec: {
    inputs: { nap: input(t.string), detach: input(t.boolean, { default: false }) },
    outputs: { winner: output(t.string) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      const child = launch(Child, { nap: inputs.nap })
      const won = yield* race({
        child: inputs.detach ? detached(child) : child,
        timer: sleep('1 day'),
      })
      yield* out('winner', Object.keys(won)[0] as string)
    },
  },
})

/** A timer and a signal, both. */
const Both = defineProcess({
  name: 'Both',
  spec: { outputs: { by: output(t.string), woke: output(t.number) } },
  steps: {
    *run() {
      const { nap, ok } = yield* all({ nap: sleep('1h'), ok: waitForSignal(Approve) })
      yield* out('by', ok.by)
      yield* out('woke', nap)
    },
  },
})

const START = 1_000_000
const onClock = () => {
  const clock = new TestClock(START)
  return { clock, runner: quietRunner({ clock }) }
}

describe('race', () => {
  it('goes on with the first to settle and clears the losing timer', async () => {
    const { clock, runner } = onClock()
    const process = Deadline.create({}, { runner })
    const done = process.execute()
    expect(encodeCheckpoint(bundle(process))).toMatchObject({
      race: true,
      asked: 'race(approved=signal(approve),late=sleep(172800000))',
    })
    process.signal(Approve, { by: 'ann' })
    expect(await done).toEqual({ outcome: 'approved by ann' })
    expect(clock.pending).toBe(0)
  })

  it('takes the timer when it comes first; a signal after that waits in the inbox', async () => {
    const { clock, runner } = onClock()
    const process = Deadline.create({}, { runner })
    const done = process.execute()
    clock.advance('2 days')
    expect(await done).toEqual({ outcome: 'too late' })
  })

  it('kills a losing child, and leaves a detached one running', async () => {
    const { clock, runner } = onClock()
    const killed = ChildOrTimer.create({ nap: '2 days' }, { runner })
    const kept = ChildOrTimer.create({ nap: '2 days', detach: true }, { runner })
    const done = [killed.execute(), kept.execute()]
    await new Promise((resolve) => setImmediate(resolve))
    const children = runner.list().filter((p) => p.name === 'RaceChild')
    expect(children).toHaveLength(2)
    clock.advance('1 day')
    expect(await Promise.all(done)).toEqual([{ winner: 'timer' }, { winner: 'timer' }])
    const [first, second] = children
    expect(first?.state).toBe('KILLED')
    expect(second?.state).toBe('WAITING')
    clock.advance('1 day')
    await second?.whenTerminated()
    expect(second?.outputs).toEqual({ woke: START + 2 * 86_400_000 })
  })

  it('drops the result of an abandoned task', async () => {
    let finishTask: (value: number) => void = () => {}
    const Tasky = defineProcess({
      name: 'Tasky',
      spec: { outputs: { winner: output(t.string) } },
      steps: {
        *run() {
          const won = yield* race({
            slow: task(() => new Promise<number>((resolve) => (finishTask = resolve))),
            nap: sleep('1h'),
          })
          yield* out('winner', Object.keys(won)[0] as string)
          yield* sleep('1h')
        },
      },
    })
    const { clock, runner } = onClock()
    const process = Tasky.create({}, { runner })
    const done = process.execute()
    await new Promise((resolve) => setImmediate(resolve))
    clock.advance('1h')
    expect(process.outputs).toEqual({ winner: 'nap' })
    finishTask(5)
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve))
    expect(process.state).toBe('WAITING')
    clock.advance('1h')
    expect(await done).toEqual({ winner: 'nap' })
  })

  it('is tested in milliseconds both ways with driveDefinition', () => {
    const late = driveDefinition(Deadline, {})
    expect(late.outputs).toEqual({ outcome: 'too late' })
    expect(late.now).toBe(2 * 86_400_000)
    const approved = driveDefinition(
      Deadline,
      {},
      { signals: [scriptSignal(Approve, { by: 'bo' }, '1 day')] },
    )
    expect(approved.outputs).toEqual({ outcome: 'approved by bo' })
    expect(approved.now).toBe(86_400_000)
  })

  it('resumes from every checkpoint to the same end, whichever wins', async () => {
    for (const nap of ['1h', '2 days']) {
      const report = await checkResumeEquivalence(ChildOrTimer, { nap }, { children: [Child] })
      expect(report.reference.outputs).toEqual({ winner: nap === '1h' ? 'child' : 'timer' })
      expect(report.verdicts.filter((v) => v.verdict !== 'equivalent')).toEqual([])
      expect(report.verdicts.filter((v) => v.state === 'WAITING').length).toBeGreaterThan(0)
    }
  })
})

describe('all', () => {
  it('waits for every entry', async () => {
    const { clock, runner } = onClock()
    const process = Both.create({}, { runner })
    const done = process.execute()
    clock.advance('2h')
    expect(process.state).toBe('WAITING')
    process.signal(Approve, { by: 'cy' })
    expect(await done).toEqual({ by: 'cy', woke: START + 3_600_000 })
  })
})
