/**
 * A runner's durable timers: every timer of its processes in one queue, and one timer of the
 * runner's time source armed for the earliest deadline. When it fires, every timer due by then
 * fires in that turn, in deadline order, and the source is armed again for what is left. Any
 * time source will do (the event loop's, a `TestClock`, an embedder's): it sees one timer per
 * runner, however many processes sleep.
 */
import type { TimeSource } from './environment.js'
import { TimerQueue, type CancelTimer, type QueuedTimer } from './timer-queue.js'

/** A timer that knows what to do when it falls due. */
export interface FiringTimer extends QueuedTimer {
  fire(): void
}

/** Timers fired in batches through one timer of `time`. */
export class DueTimers<T extends FiringTimer> {
  private readonly queue = new TimerQueue<T>()
  /** Cancels the time source's timer, while one is armed. */
  private cancelWake: CancelTimer | undefined = undefined
  /** The deadline the time source's timer is armed for (Infinity: none). */
  private wakeAt = Infinity
  /** True while a batch fires: what it adds is fired in the same batch when due, armed after. */
  private firing = false

  constructor(private readonly time: TimeSource) {}

  /** How many timers wait. */
  get size(): number {
    return this.queue.size
  }

  /** Add a timer (in no queue yet). */
  add(timer: T): void {
    this.queue.add(timer)
    if (!this.firing && timer.deadline < this.wakeAt) this.arm()
  }

  /** Take a timer out, if it still waits (the time source is armed again if it was the first). */
  remove(timer: T): void {
    if (this.queue.remove(timer) && !this.firing) this.arm()
  }

  /** Arm the time source for the earliest deadline (or for none). */
  private arm(): void {
    const next = this.queue.next ?? Infinity
    if (next === this.wakeAt) return
    this.cancelWake?.()
    this.cancelWake = undefined
    this.wakeAt = next
    if (next !== Infinity) this.cancelWake = this.time.at(next, this.fireDue)
  }

  private readonly fireDue = (): void => {
    this.cancelWake = undefined
    this.wakeAt = Infinity
    this.firing = true
    try {
      const { queue, time } = this
      for (let timer = queue.takeDue(time.now()); timer !== undefined; ) {
        timer.fire()
        timer = queue.takeDue(time.now())
      }
    } finally {
      this.firing = false
      this.arm()
    }
  }
}
