/**
 * Durable timers: `yield* sleep('3 days')` and `yield* sleepUntil(epochMs)` suspend the step
 * until a deadline. The command holds only what the step asked for (a duration, or an instant);
 * the absolute deadline is fixed by the host from its clock when the wait starts and kept in the
 * checkpoint, so a reloaded process sleeps until the same instant. `yield*` gives that deadline
 * (milliseconds since the epoch).
 */
import type { Timer } from './awaitables.js'
import { toMilliseconds, type Duration } from './duration.js'
import { Yieldable } from './yieldable.js'

class SleepCommand extends Yieldable<number> {
  readonly _tag = 'Sleep'
  constructor(readonly awaitable: Timer) {
    super()
  }
}

/** A durable timer as a command; also an entry of `race({...})` and `all({...})`. */
export type Sleep = SleepCommand

/**
 * `yield* sleep('90s')`: WAITING until the duration has passed (a number is milliseconds).
 * Resolves to the deadline it slept until.
 */
export const sleep = (duration: Duration): Sleep =>
  new SleepCommand({ _tag: 'Timer', ms: toMilliseconds(duration), until: undefined })

/**
 * `yield* sleepUntil(epochMs)`: WAITING until that instant (milliseconds since the epoch); one in
 * the past fires at once.
 */
export const sleepUntil = (epochMs: number): Sleep => {
  if (!Number.isFinite(epochMs))
    throw new RangeError(`sleepUntil needs a finite instant in ms since the epoch, got ${epochMs}`)
  return new SleepCommand({ _tag: 'Timer', ms: undefined, until: Math.round(epochMs) })
}

export type { SleepCommand }
