/**
 * A process's durable timers at run time: armed in its runner's queue (`due-timers.ts`) when the
 * process waits on them (or is reloaded waiting on them), taken out when the process no longer
 * waits on them (it lost a race, it was killed, it ended). A timer that fires delivers at once,
 * in the turn its time source fires it: a `TestClock` advanced by a test moves the process
 * before `advance` returns.
 *
 * A process that waits on a timer at least `PARK_AFTER_MS` away is parked: what it keeps only to
 * go on faster (its suspended generator, its step views) is dropped, and rebuilt when it wakes
 * (the generator by replaying its journal, as after a reload). Ten thousand sleeping processes
 * then hold their snapshots and their timers, not ten thousand suspended generators.
 */
import { Events } from '../process/events.js'
import { awaitsAt } from '../process/state.js'
import type { TimerRef } from '../process/awaitable.js'
import type { ProcessHandle } from './handle.js'
import type { FiringTimer } from './due-timers.js'

/**
 * How far away a deadline must be for the process to be parked: a wait that short gains too
 * little memory for too short a time to pay for a replay.
 */
export const PARK_AFTER_MS = 1_000

/**
 * The longest journal a parked generator is replayed from when it wakes: a generator step that
 * has already suspended more often keeps its generator, so that a long loop of short naps inside
 * one step does not replay its whole past at every wake.
 */
export const PARK_MAX_REPLAY = 64

/** One armed timer of a process: the entry its runner's queue holds. */
export class ProcessTimer implements FiringTimer {
  queueOrder = 0
  queueIndex = -1
  /** The process's next armed timer (a process keeps its few timers as a list). */
  nextOfProcess: ProcessTimer | undefined = undefined

  constructor(
    readonly process: ProcessHandle,
    readonly slot: number,
    readonly ref: TimerRef,
  ) {}

  get deadline(): number {
    return this.ref.deadline
  }

  fire(): void {
    const process = this.process
    unlink(process, this)
    if (!awaitsAt(process.snapshot.state, this.slot, this.ref)) return
    process.driveWith(Events.awaitableSettled(this.slot, this.ref.deadline))
  }
}

/** Arm (or arm again, replacing the one before) the timer of `slot`. */
export const armTimer = (process: ProcessHandle, slot: number, ref: TimerRef): void => {
  cancelTimer(process, slot)
  const timer = new ProcessTimer(process, slot, ref)
  timer.nextOfProcess = process.timers
  process.timers = timer
  process.host.timers.add(timer)
  if (ref.deadline - process.host.time.now() >= PARK_AFTER_MS) process.park(PARK_MAX_REPLAY)
}

/** Cancel the timer of `slot`, if one is armed. */
export const cancelTimer = (process: ProcessHandle, slot: number): void => {
  let timer = process.timers
  while (timer !== undefined && timer.slot !== slot) timer = timer.nextOfProcess
  if (timer === undefined) return
  unlink(process, timer)
  process.host.timers.remove(timer)
}

/** Cancel every timer of the process (it has ended). */
export const cancelTimers = (process: ProcessHandle): void => {
  let timer = process.timers
  process.timers = undefined
  while (timer !== undefined) {
    process.host.timers.remove(timer)
    const next = timer.nextOfProcess
    timer.nextOfProcess = undefined
    timer = next
  }
}

/** Take `timer` out of the process's list. */
const unlink = (process: ProcessHandle, timer: ProcessTimer): void => {
  if (process.timers === timer) process.timers = timer.nextOfProcess
  else
    for (let before = process.timers; before !== undefined; before = before.nextOfProcess)
      if (before.nextOfProcess === timer) {
        before.nextOfProcess = timer.nextOfProcess
        break
      }
  timer.nextOfProcess = undefined
}
