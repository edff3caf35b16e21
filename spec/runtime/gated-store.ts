/** A store for the specs that check when a sender hears back, relative to a commit. */
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'

/** An in-memory store whose commits wait, once held, until let through. */
export class GatedStore extends InMemoryPersister {
  private gate: Promise<void> | undefined
  private release: (() => void) | undefined
  commits = 0

  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve))
  }

  letThrough(): void {
    this.release?.()
    this.gate = undefined
  }

  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    if (this.gate !== undefined) await this.gate
    await super.saveCheckpoint(bundle, tag)
    this.commits += 1
  }
}
