/**
 * Recovery: a worker continues by itself the processes that no worker will continue otherwise,
 * and prunes the orphans nobody will run, so that nothing waits for a human.
 *
 * A process launched `nowait` has no task left once it is acknowledged: when its worker dies,
 * only the store remembers it (and its claim, held by a dead lease). At start-up and then every
 * `everyMs`, a worker asks the ownership for such processes (stored, non-terminal roots that a
 * worker claimed and that no live worker holds now, up to its free slots) and continues each
 * the way a `continue` task would: the claim decides who runs it, so two workers looking at
 * once never both run it, and a process that another worker took meanwhile is left to it. A
 * process this worker cannot load (a definition it does not have, a damaged checkpoint) is left
 * alone, with one line in the log, for a worker that can (or for `plumpy-ts check`).
 *
 * The same round prunes orphans older than `pruneAfterMs` (see `prune.ts`) where the store can
 * list candidates cheaply (PostgreSQL); elsewhere `plumpy-ts prune` does it.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { ProcessLauncher } from '../comms/launcher.js'
import { ProcessRunningElsewhereError } from '../comms/launcher.js'
import { TaskRejected } from '../comms/errors.js'
import type { Persister } from '../persistence/persister.js'
import type { Ownership } from './ownership.js'
import { Rounds } from './rounds.js'
import { prune } from './prune.js'

/** Lists orphan candidates older than `olderThanMs` (`PostgresPersister.orphanCandidates`). */
export type OrphanFinder = (olderThanMs: number, limit: number) => Promise<string[]>

/** What recovery needs. */
export interface RecoveryOptions {
  readonly ownership: Ownership
  /** The store, to read checkpoints (unfenced: recovery writes nothing itself). */
  readonly persister: Persister
  readonly registry: DefinitionRegistry
  readonly launcher: ProcessLauncher
  /** How many more processes this worker may take now. */
  readonly room: () => number
  /** Whether the worker still takes work. */
  readonly accepting: () => boolean
  readonly say: (text: string) => void
  /** Time between rounds (ms). */
  readonly everyMs: number
  /** Prune orphans older than this (ms); undefined: do not prune. */
  readonly pruneAfterMs?: number
  /** Where orphan candidates come from; undefined: do not prune. */
  readonly orphans?: OrphanFinder
}

/** Rounds of recovery, from `start()` until `stop()`. */
export class Recovery extends Rounds {
  /** Processes this worker could not load: left to others, reported once. */
  private readonly unloadable = new Set<string>()

  constructor(private readonly options: RecoveryOptions) {
    super(options.everyMs)
  }

  /** One round: continue what nobody holds, prune old orphans. */
  protected round(): Promise<void> {
    return this.look()
  }

  private async look(): Promise<void> {
    const { ownership, say } = this.options
    try {
      const room = this.options.room()
      if (room > 0 && this.options.accepting())
        for (const pid of await ownership.unheld(room)) await this.recover(pid)
    } catch (error) {
      say(`could not look for processes to recover: ${reasonOf(error)}`)
    }
    const { orphans, pruneAfterMs } = this.options
    if (orphans === undefined || pruneAfterMs === undefined || !this.options.accepting()) return
    try {
      const candidates = await orphans(pruneAfterMs, 1_000)
      if (candidates.length === 0) return
      const outcomes = await prune({
        persister: this.options.persister,
        claims: ownership,
        candidates,
      })
      const pruned = outcomes.filter((outcome) => outcome._tag === 'Pruned').length
      if (pruned > 0) say(`pruned ${pruned} orphans (children nothing awaits)`)
    } catch (error) {
      say(`could not prune orphans: ${reasonOf(error)}`)
    }
  }

  /** Continue `pid` here if this worker can load it; the claim decides who runs it. */
  private async recover(pid: string): Promise<void> {
    if (this.unloadable.has(pid) || !this.options.accepting()) return
    const { say } = this.options
    try {
      const stored = await this.options.persister.loadCheckpoint(pid)
      const resolved = this.options.registry.resolve(stored)
      if (E.isLeft(resolved)) throw resolved.left
      if (stored.parentPid !== undefined) return // a child comes back with its parent
    } catch (error) {
      this.unloadable.add(pid)
      say(`${pid} has no live worker, and cannot be continued here: ${reasonOf(error)}`)
      return
    }
    say(`${pid} has no live worker: continuing it`)
    void this.options.launcher.handle({ task: 'continue', pid }).catch((error: unknown) => {
      // Another worker was first, or this one is full or stopping: nothing to do here.
      if (error instanceof ProcessRunningElsewhereError || error instanceof TaskRejected) return
      say(`${pid} (recovered): ${reasonOf(error)}`)
    })
  }
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)
