/**
 * `TestClock`: a clock that moves only when told to. Give it to a runner
 * (`new Runner({ clock })`) or to `driveDefinition` (`{ clock }`), and `clock.advance('3 days')`
 * fires every timer that falls due on the way, in deadline order, each at its own instant, with
 * no waiting: a workflow that sleeps for days is tested in milliseconds.
 *
 * @example
 * const clock = new TestClock(Date.parse('2026-01-01T00:00:00Z'))
 * const runner = new Runner({ clock })
 * const done = Reminder.create({}, { runner }).execute() // sleeps for 3 days
 * clock.advance('3 days') // fires the timer: the process goes on now
 * await done
 */
import { toMilliseconds, type Duration } from '../commands/duration.js'
import type { TimeSource } from '../runtime/environment.js'
import { CallbackTimer, TimerQueue, type CancelTimer } from '../runtime/timer-queue.js'

/** A clock for tests: time stands still until `advance` or `advanceTo`. */
export class TestClock implements TimeSource {
  private time: number
  private readonly queue = new TimerQueue<CallbackTimer>()

  /** Start at `start` (ms since the epoch; 0 unless given). */
  constructor(start = 0) {
    if (!Number.isFinite(start)) throw new RangeError(`a TestClock starts at a finite instant`)
    this.time = start
  }

  /** The current instant (a bound function: pass it where a `Clock` is wanted). */
  readonly now = (): number => this.time

  /**
   * Arm a timer. One whose deadline has already passed (a reloaded process that overslept)
   * fires at once: in a microtask, after the code that armed it.
   */
  at(deadline: number, callback: () => void): CancelTimer {
    const timer = new CallbackTimer(deadline, callback)
    this.queue.add(timer)
    if (deadline <= this.time) queueMicrotask(() => this.advanceTo(this.time))
    return () => void this.queue.remove(timer)
  }

  /** Move time forward by `duration`, firing what falls due on the way, in deadline order. */
  advance(duration: Duration): void {
    this.advanceTo(this.time + toMilliseconds(duration))
  }

  /**
   * Move time to `instant` (never backwards), firing what falls due on the way: each timer at
   * its own deadline, so what it arms in turn fires too when it falls within the move.
   */
  advanceTo(instant: number): void {
    if (instant < this.time)
      throw new RangeError(`a TestClock does not go back (now ${this.time}, asked ${instant})`)
    for (let next = this.queue.next; next !== undefined && next <= instant; ) {
      this.time = Math.max(this.time, next)
      this.queue.takeDue(this.time)?.callback()
      next = this.queue.next
    }
    this.time = instant
  }

  /** How many timers are armed. */
  get pending(): number {
    return this.queue.size
  }

  /** The earliest deadline armed, if any. */
  get nextDeadline(): number | undefined {
    return this.queue.next
  }
}
