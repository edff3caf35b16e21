/**
 * The runtime's clock adapter: the only place that reads the system clock and arms the event
 * loop's timers. Every durable timer of a runner sits in one queue; one `setTimeout` waits for
 * the earliest deadline, and a timer never fires before its deadline by the clock (the event
 * loop may wake a little early: it then waits again).
 */
import type { Clock, TimeSource } from './environment.js'
import { CallbackTimer, TimerQueue, type CancelTimer } from './timer-queue.js'

/** `setTimeout` cannot wait longer than this (about 24.8 days): longer waits are re-armed. */
const LONGEST_WAIT_MS = 2 ** 31 - 1

/** The system clock. */
export const systemNow: Clock = () => Date.now()

/** Timers on the event loop, read against `now` (the system clock unless given). */
export const systemTime = (now: Clock = systemNow): TimeSource => {
  const queue = new TimerQueue<CallbackTimer>()
  let wake: ReturnType<typeof setTimeout> | undefined
  let wakeAt: number | undefined

  const fireDue = (): void => {
    wake = undefined
    wakeAt = undefined
    try {
      for (let timer = queue.takeDue(now()); timer !== undefined; timer = queue.takeDue(now()))
        timer.callback()
    } finally {
      // A callback that threw leaves the rest of what is due to the next wake, not stranded.
      arm()
    }
  }

  const arm = (): void => {
    const next = queue.next
    if (next === undefined) {
      if (wake !== undefined) clearTimeout(wake)
      wake = undefined
      wakeAt = undefined
      return
    }
    if (wake !== undefined && wakeAt !== undefined && wakeAt <= next) return
    if (wake !== undefined) clearTimeout(wake)
    wakeAt = next
    wake = setTimeout(fireDue, Math.min(Math.max(0, next - now()), LONGEST_WAIT_MS))
  }

  return {
    now,
    at(deadline: number, callback: () => void): CancelTimer {
      const timer = new CallbackTimer(deadline, callback)
      queue.add(timer)
      arm()
      return () => {
        if (queue.remove(timer) && queue.size === 0) arm()
      }
    },
  }
}
