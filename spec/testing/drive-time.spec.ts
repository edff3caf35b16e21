import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { out, sleep } from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import { defineWorkChain } from '../../lib/runtime/define.js'
import { driveDefinition, TestClock } from '../../lib/testing/index.js'
import { while_ } from '../../lib/workchain/index.js'

/** Sleeps `days` times for a day, counting. */
const Calendar = defineWorkChain({
  name: 'Calendar',
  spec: { inputs: { days: input(t.number) }, outputs: { last: output(t.number) } },
  context: () => ({ day: 0, last: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.day < inputs.days,
    *wait(ctx) {
      ctx.last = yield* sleep('1 day')
      ctx.day += 1
    },
    *done(ctx) {
      yield* out('last', ctx.last)
    },
  },
  outline: (s) => [while_(s.more)(s.wait), s.done],
})

describe('driveDefinition with timers', () => {
  it('skips time to each timer in turn: a week of sleeps runs at once', () => {
    const clock = new TestClock(5_000)
    const run = driveDefinition(Calendar, { days: 7 }, { clock })
    expect(run.state).toBe('FINISHED')
    expect(run.outputs).toEqual({ last: 5_000 + 7 * 86_400_000 })
    expect(run.now).toBe(5_000 + 7 * 86_400_000)
    expect(run.requests.filter((r) => r.kind === 'timer')).toHaveLength(7)
  })

  it('stops blocked at the time limit, the timer still armed', () => {
    const run = driveDefinition(Calendar, { days: 7 }, { timeLimit: '3 days' })
    expect(run.stopped).toBe('blocked')
    expect(run.state).toBe('WAITING')
    expect(run.now).toBe(3 * 86_400_000)
    expect(run.snapshot.ctx).toEqual({ day: 3, last: 3 * 86_400_000 })
  })
})

describe('TestClock', () => {
  it('fires what falls due in deadline order, each at its own instant', () => {
    const clock = new TestClock(100)
    const fired: string[] = []
    clock.at(130, () => fired.push(`c@${clock.now()}`))
    clock.at(110, () => {
      fired.push(`a@${clock.now()}`)
      clock.at(115, () => fired.push(`b@${clock.now()}`))
    })
    const cancel = clock.at(120, () => fired.push('cancelled'))
    cancel()
    clock.advance(25)
    expect(fired).toEqual(['a@110', 'b@115'])
    expect(clock.now()).toBe(125)
    clock.advance('1s')
    expect(fired).toEqual(['a@110', 'b@115', 'c@130'])
    expect(clock.pending).toBe(0)
  })

  it('never goes back', () => {
    expect(() => new TestClock(10).advanceTo(5)).toThrow(/does not go back/)
  })
})
