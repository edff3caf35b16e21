/**
 * Timers kept in one queue ordered by deadline (a binary heap), whatever drives them: the
 * system timers arm one `setTimeout` for the earliest deadline (`system-timers.ts`), a
 * `TestClock` fires them when it is advanced, and a runner keeps its processes' timers in one
 * (`process-timers.ts`). The queue holds the timers themselves, not closures around them: each
 * knows its place in the heap, so that cancelling one takes it out at once (a process killed
 * days before its deadline is not kept alive until then) and a queue of ten thousand costs ten
 * thousand small objects.
 */

/** Cancels a timer; cancelling one that has fired (or was cancelled) does nothing. */
export type CancelTimer = () => void

/** What a queue orders. The queue keeps `queueOrder` and `queueIndex`; nothing else writes them. */
export interface QueuedTimer {
  readonly deadline: number
  /** Ties fire in the order they were added. */
  queueOrder: number
  /** Where it sits in the heap; -1 while it is in no queue. */
  queueIndex: number
}

/** Pending timers by deadline, then by the order they were added. */
export class TimerQueue<T extends QueuedTimer> {
  private readonly heap: T[] = []
  private added = 0

  /** How many timers wait. */
  get size(): number {
    return this.heap.length
  }

  /** The earliest deadline that waits, if any. */
  get next(): number | undefined {
    return this.heap[0]?.deadline
  }

  /** Whether `timer` waits in this queue. */
  has(timer: T): boolean {
    const index = timer.queueIndex
    return index >= 0 && this.heap[index] === timer
  }

  /** Add a timer that is in no queue. */
  add(timer: T): void {
    if (timer.queueIndex !== -1) throw new Error('a timer can wait in one queue only, once')
    timer.queueOrder = this.added++
    timer.queueIndex = this.heap.length
    this.heap.push(timer)
    this.up(timer.queueIndex)
  }

  /** Take `timer` out; false when it was not waiting here (it fired, or was removed). */
  remove(timer: T): boolean {
    if (!this.has(timer)) return false
    const index = timer.queueIndex
    const last = this.heap.pop() as T
    timer.queueIndex = -1
    if (last !== timer) {
      this.place(last, index)
      this.down(index)
      this.up(last.queueIndex)
    }
    return true
  }

  /** Take the earliest timer due at `now`, if any. */
  takeDue(now: number): T | undefined {
    const top = this.heap[0]
    if (top === undefined || top.deadline > now) return undefined
    this.remove(top)
    return top
  }

  private before(a: T, b: T): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.queueOrder < b.queueOrder)
  }

  private place(timer: T, index: number): void {
    this.heap[index] = timer
    timer.queueIndex = index
  }

  private up(index: number): void {
    const heap = this.heap
    const timer = heap[index] as T
    while (index > 0) {
      const parentIndex = (index - 1) >> 1
      const parent = heap[parentIndex] as T
      if (!this.before(timer, parent)) break
      this.place(parent, index)
      index = parentIndex
    }
    this.place(timer, index)
  }

  private down(index: number): void {
    const heap = this.heap
    const length = heap.length
    const timer = heap[index] as T
    for (;;) {
      const left = 2 * index + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && this.before(heap[right] as T, heap[left] as T) ? right : left
      if (!this.before(heap[child] as T, timer)) break
      this.place(heap[child] as T, index)
      index = child
    }
    this.place(timer, index)
  }
}

/** A timer that calls a function when it fires (the time sources' own timers). */
export class CallbackTimer implements QueuedTimer {
  queueOrder = 0
  queueIndex = -1

  constructor(
    readonly deadline: number,
    readonly callback: () => void,
  ) {}
}
