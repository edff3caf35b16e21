/**
 * Timers kept in one queue ordered by deadline (a binary heap), whatever drives them: the
 * system timers arm one `setTimeout` for the earliest deadline (`system-timers.ts`), a
 * `TestClock` fires them when it is advanced. Ten thousand sleeping processes cost ten thousand
 * small entries here and one timer of the event loop.
 */

/** Cancels a timer; cancelling one that has fired (or was cancelled) does nothing. */
export type CancelTimer = () => void

interface Entry {
  readonly deadline: number
  /** Ties are fired in the order they were armed. */
  readonly order: number
  callback: (() => void) | undefined
}

/** Pending timers by deadline. */
export class TimerQueue {
  private heap: Entry[] = []
  private armed = 0
  private live = 0

  /** How many timers wait (cancelled ones excluded). */
  get size(): number {
    return this.live
  }

  /** The earliest deadline that waits, if any. */
  get next(): number | undefined {
    this.dropCancelled()
    return this.heap[0]?.deadline
  }

  /** Add a timer; the returned function cancels it. */
  add(deadline: number, callback: () => void): CancelTimer {
    const entry: Entry = { deadline, order: this.armed++, callback }
    this.push(entry)
    this.live += 1
    return () => {
      if (entry.callback === undefined) return
      entry.callback = undefined
      this.live -= 1
    }
  }

  /** Take the earliest timer due at `now` (its callback, to be called), if any. */
  takeDue(now: number): (() => void) | undefined {
    this.dropCancelled()
    const top = this.heap[0]
    if (top === undefined || top.deadline > now) return undefined
    this.pop()
    const callback = top.callback
    top.callback = undefined
    this.live -= 1
    return callback
  }

  private dropCancelled(): void {
    while (this.heap[0] !== undefined && this.heap[0].callback === undefined) this.pop()
  }

  private before(a: Entry, b: Entry): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.order < b.order)
  }

  private push(entry: Entry): void {
    const heap = this.heap
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(heap[i] as Entry, heap[parent] as Entry)) break
      ;[heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry]
      i = parent
    }
  }

  private pop(): void {
    const heap = this.heap
    const last = heap.pop()
    if (last === undefined || heap.length === 0) return
    heap[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let best = i
      if (left < heap.length && this.before(heap[left] as Entry, heap[best] as Entry)) best = left
      if (right < heap.length && this.before(heap[right] as Entry, heap[best] as Entry))
        best = right
      if (best === i) return
      ;[heap[i], heap[best]] = [heap[best] as Entry, heap[i] as Entry]
      i = best
    }
  }
}
