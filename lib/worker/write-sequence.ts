/** The numbering of a worker's checkpoint writes, for write-ahead (see `store.ts`). */

/**
 * Numbered writes that may complete in any order, and callbacks waiting until every write up to
 * a number is done (the low-water mark passes it).
 */
export class WriteSequence {
  issued = 0
  private readonly open: number[] = []
  private head = 0
  private readonly finished = new Set<number>()
  /** Callbacks by the number they wait for (in that order: numbers only grow). */
  private waiters: { upTo: number; callback: () => void }[] = []
  private nextWaiter = 0

  begin(): number {
    this.issued += 1
    this.open.push(this.issued)
    return this.issued
  }

  end(ticket: number): void {
    this.finished.add(ticket)
    while (this.head < this.open.length && this.finished.has(this.open[this.head] as number)) {
      this.finished.delete(this.open[this.head] as number)
      this.head += 1
    }
    if (this.head > 1024 && this.head * 2 > this.open.length) {
      this.open.splice(0, this.head)
      this.head = 0
    }
    const done = this.doneUpTo()
    while ((this.waiters[this.nextWaiter]?.upTo ?? Infinity) <= done) {
      const waiter = this.waiters[this.nextWaiter]
      this.nextWaiter += 1
      waiter?.callback()
    }
    if (this.nextWaiter === this.waiters.length || this.nextWaiter > 1024) {
      this.waiters = this.waiters.slice(this.nextWaiter)
      this.nextWaiter = 0
    }
  }

  /** Every write numbered up to this one is done. */
  doneUpTo(): number {
    return this.head < this.open.length ? (this.open[this.head] as number) - 1 : this.issued
  }

  whenDone(upTo: number, callback: () => void): void {
    if (this.doneUpTo() >= upTo) callback()
    else this.waiters.push({ upTo, callback })
  }

  upTo(ticket: number): Promise<void> {
    return new Promise((resolve) => this.whenDone(ticket, resolve))
  }
}
