/**
 * A process's durable timers at run time: armed through the runner's time source when the
 * process waits on them (or is reloaded waiting on them), cancelled when the process no longer
 * waits on them (it lost a race, it was killed, it ended). A timer that fires delivers at once,
 * in the turn its time source fires it: a `TestClock` advanced by a test moves the process
 * before `advance` returns.
 */
import { Events } from '../process/events.js'
import { awaitsAt } from '../process/state.js'
import type { TimerRef } from '../process/awaitable.js'
import type { ProcessHandle } from './handle.js'
import type { CancelTimer } from './timer-queue.js'

/** Arm (or arm again, replacing the one before) the timer of `slot`. */
export const armTimer = (process: ProcessHandle, slot: number, ref: TimerRef): void => {
  const timers = (process.extras.timers ??= new Map<number, CancelTimer>())
  timers.get(slot)?.()
  timers.set(
    slot,
    process.host.time.at(ref.deadline, () => {
      if (timers.get(slot) !== undefined) timers.delete(slot)
      if (!awaitsAt(process.snapshot.state, slot, ref)) return
      process.driveWith(Events.awaitableSettled(slot, ref.deadline))
    }),
  )
}

/** Cancel the timer of `slot`, if one is armed. */
export const cancelTimer = (process: ProcessHandle, slot: number): void => {
  const timers = process.extras.timers
  timers?.get(slot)?.()
  timers?.delete(slot)
}

/** Cancel every timer of the process (it has ended). */
export const cancelTimers = (process: ProcessHandle): void => {
  const timers = process.extras.timers
  if (timers === undefined) return
  for (const cancel of timers.values()) cancel()
  timers.clear()
}
