/**
 * The in-memory persister. It keeps each checkpoint as its JSON text, never as the bundle it was
 * given: a load parses a fresh copy, so running or mutating a loaded process can never change
 * what is stored (plumpy's in-memory persister hands back the stored object itself).
 */
import type { Bundle } from '../checkpoint/bundle.js'
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
}

/**
 * Checkpoints in memory, as JSON text.
 *
 * @example
 * const persister = new InMemoryPersister()
 * await persister.saveCheckpoint(bundle)
 * const again = await persister.loadCheckpoint(bundle.pid)
 */
export class InMemoryPersister implements Persister {
  private readonly store: MemoryStore

  constructor(options: InMemoryPersisterOptions = {}) {
    this.store = options.store ?? new Map()
  }

  async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    const text = checkpointText(bundle)
    let tags = this.store.get(bundle.pid)
    if (tags === undefined) {
      tags = new Map()
      this.store.set(bundle.pid, tags)
    }
    tags.set(tag, text)
  }

  async loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    const text = this.store.get(pid)?.get(tag)
    if (text === undefined) throw notFound(pid, tag)
    return loadStored(text, pid, tag)
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
  }

  async deleteProcessCheckpoints(pid: string): Promise<void> {
    this.store.delete(pid)
  }

  async close(): Promise<void> {}
}
