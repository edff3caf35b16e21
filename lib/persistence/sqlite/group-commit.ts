/**
 * Group commit for a synchronous database. Saves asked for in the same burst of microtasks (many
 * processes stepping at once) are written in one transaction, which costs little more than one
 * commit; a lone save (one process awaiting each checkpoint) is written by itself one microtask
 * later. Either way a save's promise resolves only once it is committed.
 */

interface Entry<T> {
  readonly item: T
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/** How the batch is written. */
export interface GroupCommitWriter<T> {
  /** Write one item (inside the batch's transaction, or on its own). */
  readonly write: (item: T) => void
  /** Run `body` in one transaction, rolling it back if it throws. */
  readonly transaction: (body: () => void) => void
  /** The batch's transaction was rolled back: forget what writing `item` remembered. */
  readonly rolledBack: (item: T) => void
}

/** A queue of writes, flushed in a microtask or whenever a reader needs them to be done. */
export class GroupCommit<T> {
  private queue: Entry<T>[] = []

  constructor(private readonly writer: GroupCommitWriter<T>) {}

  /** Queue `item`; resolves once it is committed, rejects if writing it failed. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      if (this.queue.length === 1) queueMicrotask(() => this.flush())
    })
  }

  /** Write everything queued, now. Readers call it first, so they see every earlier save. */
  flush(): void {
    const batch = this.queue
    if (batch.length === 0) return
    this.queue = []
    if (batch.length > 1) {
      try {
        this.writer.transaction(() => {
          for (const entry of batch) this.writer.write(entry.item)
        })
        for (const entry of batch) entry.resolve()
        return
      } catch (_) {
        // One failing save must not fail the others: undo, then write them one at a time.
        for (const entry of batch) this.writer.rolledBack(entry.item)
      }
    }
    for (const entry of batch) {
      try {
        this.writer.write(entry.item)
        entry.resolve()
      } catch (error) {
        entry.reject(error)
      }
    }
  }
}
