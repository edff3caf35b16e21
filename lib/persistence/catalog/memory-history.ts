/** Process history in memory, for the in-memory store (tests, a laptop run). */
import {
  AgeSweep,
  type HistoryEntry,
  type HistoryOptions,
  type HistoryRead,
  type ProcessHistory,
  type StoredHistoryEntry,
} from './history.js'

/** The history of an in-memory store. */
export class MemoryHistory implements ProcessHistory {
  private readonly entries = new Map<string, StoredHistoryEntry[]>()
  private seq = 0
  private readonly ageSweep: AgeSweep

  constructor(private readonly options: HistoryOptions = {}) {
    this.ageSweep = new AgeSweep(options)
  }

  async appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    const touched = new Set<string>()
    for (const entry of entries) {
      let list = this.entries.get(entry.pid)
      if (list === undefined) this.entries.set(entry.pid, (list = []))
      list.push({ ...entry, seq: ++this.seq })
      touched.add(entry.pid)
    }
    const keep = this.options.retention?.maxPerProcess
    if (keep !== undefined) for (const pid of touched) this.keepNewest(pid, keep)
    const oldest = this.ageSweep.due()
    if (oldest !== undefined) this.dropOlder(oldest)
  }

  async readHistory(pid: string, read: HistoryRead = {}): Promise<StoredHistoryEntry[]> {
    const after = read.afterSeq ?? 0
    const found = (this.entries.get(pid) ?? []).filter((entry) => entry.seq > after)
    if (read.limit === undefined) return found
    return read.newest === true
      ? found.slice(Math.max(0, found.length - read.limit))
      : found.slice(0, read.limit)
  }

  async applyHistoryRetention(): Promise<number> {
    const maxPerProcess = this.options.retention?.maxPerProcess
    let dropped = 0
    if (maxPerProcess !== undefined)
      for (const [pid, list] of this.entries) {
        dropped += Math.max(0, list.length - maxPerProcess)
        this.keepNewest(pid, maxPerProcess)
      }
    const oldest = this.ageSweep.cutoff()
    if (oldest !== undefined) dropped += this.dropOlder(oldest)
    return dropped
  }

  private dropOlder(oldest: number): number {
    let dropped = 0
    for (const [pid, list] of this.entries) {
      const kept = list.filter((entry) => entry.at >= oldest)
      dropped += list.length - kept.length
      if (kept.length === 0) this.entries.delete(pid)
      else this.entries.set(pid, kept)
    }
    return dropped
  }

  private keepNewest(pid: string, keep: number): void {
    const list = this.entries.get(pid)
    if (list !== undefined && list.length > keep) this.entries.set(pid, list.slice(-keep))
  }
}
