import { describe, expect, it } from 'vitest'
import { DueTimers, type FiringTimer } from '../../lib/runtime/due-timers.js'
import type { TimeSource } from '../../lib/runtime/environment.js'
import { TestClock } from '../../lib/testing/test-clock.js'

/** A timer that writes its name and the clock's time down when it fires. */
class Noted implements FiringTimer {
  queueOrder = 0
  queueIndex = -1
  constructor(
    readonly name: string,
    readonly deadline: number,
    private readonly fired: string[],
    private readonly clock: TestClock,
    private readonly then: () => void = () => {},
  ) {}

  fire(): void {
    this.fired.push(`${this.name}@${this.clock.now()}`)
    this.then()
  }
}

const setUp = () => {
  const clock = new TestClock(1_000)
  // Counts the timers armed on the clock: a batch is one of them.
  const armed = { count: 0 }
  const source: TimeSource = {
    now: clock.now,
    at: (deadline, callback) => {
      armed.count += 1
      return clock.at(deadline, callback)
    },
  }
  const timers = new DueTimers<Noted>(source)
  const fired: string[] = []
  const timer = (name: string, deadline: number, then?: () => void) =>
    new Noted(name, deadline, fired, clock, then)
  return { clock, timers, fired, timer, armed }
}

describe('DueTimers', () => {
  it('arms one timer of its time source for the earliest deadline, however many wait', () => {
    const { clock, timers, timer } = setUp()
    for (let i = 0; i < 100; i++) timers.add(timer(`t${i}`, 2_000 + (i % 10)))
    expect(timers.size).toBe(100)
    expect(clock.pending).toBe(1)
    expect(clock.nextDeadline).toBe(2_000)
    timers.add(timer('sooner', 1_500))
    expect(clock.pending).toBe(1)
    expect(clock.nextDeadline).toBe(1_500)
  })

  it('fires every timer due at one instant in that turn, in deadline then arming order', () => {
    const { clock, timers, fired, timer, armed } = setUp()
    for (let i = 0; i < 50; i++) timers.add(timer(`now${i}`, 1_050))
    expect(armed.count).toBe(1)
    clock.advanceTo(1_050)
    expect(fired).toHaveLength(50)
    expect(armed.count).toBe(1)
    fired.length = 0
    timers.add(timer('b1', 1_200))
    timers.add(timer('a', 1_100))
    timers.add(timer('b2', 1_200))
    timers.add(timer('c', 1_300))
    clock.advanceTo(1_250)
    expect(fired).toEqual(['a@1100', 'b1@1200', 'b2@1200'])
    expect(timers.size).toBe(1)
    expect(clock.nextDeadline).toBe(1_300)
  })

  it('fires in the same turn what a fire arms when it is already due, later ones after', () => {
    const { clock, timers, fired, timer } = setUp()
    timers.add(
      timer('first', 1_100, () => {
        timers.add(timer('due-now', 1_100))
        timers.add(timer('later', 1_400))
      }),
    )
    clock.advanceTo(1_100)
    expect(fired).toEqual(['first@1100', 'due-now@1100'])
    expect(clock.nextDeadline).toBe(1_400)
    clock.advanceTo(1_400)
    expect(fired.at(-1)).toBe('later@1400')
  })

  it('disarms its time source once the last timer is taken out, and never fires it', () => {
    const { clock, timers, fired, timer } = setUp()
    const only = timer('only', 1_100)
    timers.add(only)
    timers.remove(only)
    expect(timers.size).toBe(0)
    expect(clock.pending).toBe(0)
    clock.advance(1_000)
    expect(fired).toEqual([])
  })

  it('goes on with the rest of the batch after a fire that throws', () => {
    const { clock, timers, fired, timer } = setUp()
    timers.add(
      timer('throws', 1_100, () => {
        throw new Error('boom')
      }),
    )
    timers.add(timer('next', 1_100))
    expect(() => clock.advanceTo(1_100)).toThrow('boom')
    expect(clock.pending).toBe(1)
    clock.advanceTo(1_100)
    expect(fired).toEqual(['throws@1100', 'next@1100'])
  })
})
