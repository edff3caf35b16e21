/**
 * A bounded memory of one value per checkpoint row (a pid and a tag key), kept by a store about
 * what it last wrote there: the last body for diffing (`incremental.ts`), the version and the
 * indexed columns for a body-only update (`postgres/written-rows.ts`). Past `limit` rows the row
 * written least lately is forgotten; a forgotten row only costs its next save the long way.
 */
export class RowMemory<T> {
  /** By pid, then tag key. Maps keep insertion order, and `set` re-inserts: oldest pid first. */
  private readonly rows = new Map<string, Map<string, T>>()
  private size = 0

  constructor(private readonly limit: number) {}

  /** What is remembered of (pid, tagKey). */
  get(pid: string, tagKey: string): T | undefined {
    return this.rows.get(pid)?.get(tagKey)
  }

  /** Remember `value` for (pid, tagKey), as the row written last. */
  set(pid: string, tagKey: string, value: T): void {
    this.forget(pid, tagKey)
    let tags = this.rows.get(pid)
    if (tags === undefined) this.rows.set(pid, (tags = new Map()))
    tags.set(tagKey, value)
    this.size += 1
    if (this.size > this.limit) this.forgetOldest()
  }

  /** Forget (pid, tagKey): deleted, written in another way, or its save failed. */
  forget(pid: string, tagKey: string): void {
    const tags = this.rows.get(pid)
    if (tags?.delete(tagKey) !== true) return
    this.size -= 1
    if (tags.size === 0) this.rows.delete(pid)
  }

  /** Forget every row of a process (deleted). */
  forgetProcess(pid: string): void {
    this.size -= this.rows.get(pid)?.size ?? 0
    this.rows.delete(pid)
  }

  private forgetOldest(): void {
    const [pid, tags] = this.rows.entries().next().value ?? []
    if (pid === undefined || tags === undefined) return
    const [tagKey] = tags.keys()
    if (tagKey !== undefined) this.forget(pid, tagKey)
  }
}
