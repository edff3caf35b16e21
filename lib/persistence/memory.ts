/**
 * The in-memory persister. It keeps each checkpoint as its JSON text, never as the bundle it was
 * given: a load parses a fresh copy, so running or mutating a loaded process can never change
 * what is stored (plumpy's in-memory persister hands back the stored object itself).
 */
import type { Bundle } from '../checkpoint/bundle.js'
import {
  checkHistoryOptions,
  type HistoryEntry,
  type HistoryOptions,
  type HistoryRead,
  type ProcessHistory,
  type StoredHistoryEntry,
} from './catalog/history.js'
import { MemoryHistory } from './catalog/memory-history.js'
import type {
  ProcessCatalog,
  ProcessFilter,
  ProcessPage,
  ProcessQuery,
  StateCounts,
} from './catalog/query.js'
import { scanningCatalog, type SavedTimes } from './catalog/scan.js'
import { systemClock, type Clock } from '../runtime/environment.js'
import type { PersistedCheckpoint, Persister } from './persister.js'
import { byAddress, checkpointText, loadStored, notFound } from './stored.js'

/**
 * The backing store: pid → tag → checkpoint text. `undefined` is a key of its own (the untagged
 * checkpoint), so it cannot collide with any string tag.
 */
export type MemoryStore = Map<string, Map<string | undefined, string>>

/** Options of {@link InMemoryPersister}. */
export interface InMemoryPersisterOptions {
  /**
   * A store to use instead of a private one. Two persisters over one store see the same
   * checkpoints, which lets a test stand for a restart without touching a disk.
   */
  readonly store?: MemoryStore
  /** How much process history to keep (default: all of it). */
  readonly history?: HistoryOptions
  /** The time of saves, as listings show it (default the system clock). */
  readonly clock?: Clock
}

/**
 * Checkpoints in memory, as JSON text, with listings (by reading every checkpoint: see
 * `catalog/scan.ts`) and process history. The times of listings are those of this persister's
 * saves: a second persister over the same `store` does not know them.
 *
 * @example
 * const persister = new InMemoryPersister()
 * await persister.saveCheckpoint(bundle)
 * const again = await persister.loadCheckpoint(bundle.pid)
 */
export class InMemoryPersister implements Persister, ProcessCatalog, ProcessHistory {
  private readonly store: MemoryStore
  private readonly times = new Map<string, { created: number; modified: number }>()
  private readonly catalog: ProcessCatalog
  private readonly history: MemoryHistory

  private readonly clock: Clock

  constructor(options: InMemoryPersisterOptions = {}) {
    this.clock = options.clock ?? systemClock
    this.store = options.store ?? new Map()
    this.history = new MemoryHistory(checkHistoryOptions(options.history))
    this.catalog = scanningCatalog(
      this,
      (pid): SavedTimes => this.times.get(pid) ?? { created: undefined, modified: undefined },
    )
  }

  async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    const text = checkpointText(bundle)
    let tags = this.store.get(bundle.pid)
    if (tags === undefined) {
      tags = new Map()
      this.store.set(bundle.pid, tags)
    }
    tags.set(tag, text)
    if (tag === undefined) {
      const now = this.clock()
      // One record per process, brought up to date: listings copy the times out of it.
      const times = this.times.get(bundle.pid)
      if (times === undefined) this.times.set(bundle.pid, { created: now, modified: now })
      else times.modified = now
    }
  }

  async loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    const text = this.store.get(pid)?.get(tag)
    if (text === undefined) throw notFound(pid, tag)
    return loadStored(text, pid, tag)
  }

  async findCheckpoint(pid: string, tag?: string): Promise<Bundle | undefined> {
    const text = this.store.get(pid)?.get(tag)
    return text === undefined ? undefined : loadStored(text, pid, tag)
  }

  async getCheckpoints(): Promise<PersistedCheckpoint[]> {
    const all: PersistedCheckpoint[] = []
    for (const [pid, tags] of this.store) for (const tag of tags.keys()) all.push({ pid, tag })
    return all.sort(byAddress)
  }

  async getProcessCheckpoints(pid: string): Promise<PersistedCheckpoint[]> {
    const tags = this.store.get(pid)
    if (tags === undefined) return []
    return [...tags.keys()].map((tag) => ({ pid, tag })).sort(byAddress)
  }

  async deleteCheckpoint(pid: string, tag?: string): Promise<void> {
    const tags = this.store.get(pid)
    if (tags === undefined) return
    tags.delete(tag)
    if (tags.size === 0) this.store.delete(pid)
    if (tag === undefined) this.times.delete(pid)
  }

  async deleteProcessCheckpoints(pid: string): Promise<void> {
    this.store.delete(pid)
    this.times.delete(pid)
  }

  listProcesses(query: ProcessQuery): Promise<ProcessPage> {
    return this.catalog.listProcesses(query)
  }

  countByState(filter: ProcessFilter): Promise<StateCounts> {
    return this.catalog.countByState(filter)
  }

  appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    return this.history.appendHistory(entries)
  }

  readHistory(pid: string, read?: HistoryRead): Promise<StoredHistoryEntry[]> {
    return this.history.readHistory(pid, read)
  }

  applyHistoryRetention(): Promise<number> {
    return this.history.applyHistoryRetention()
  }

  async close(): Promise<void> {}
}
