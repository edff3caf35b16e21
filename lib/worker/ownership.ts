/**
 * Ownership: a process tree runs on one worker at a time. A worker claims the root pid of a
 * tree before it runs the root (children run with their root, under its claim) and releases it
 * when every process of the tree has terminated and been written (or hands it back when it
 * stops); a task for a pid that another worker holds is not run a second time.
 *
 * Two implementations:
 * - `PostgresOwnership` (`postgres-ownership.ts`): claim rows in the checkpoint database, held
 *   by a worker's lease, shared by every worker of that database, with fenced checkpoint writes.
 * - {@link LocalOwnership}: claims in this program's memory, for single-machine stores (memory,
 *   files, SQLite) served by one worker process.
 */
import type { Bundle } from '../checkpoint/bundle.js'
import type { LauncherOwnership } from '../comms/launcher.js'

/** The prefix of the name a worker's database connections carry (`application_name`). */
export const OWNER_APPLICATION_PREFIX = 'plumpy-ts worker '

/**
 * Writes a checkpoint of a process of the tree rooted at `root` so that it commits only while
 * its owner holds that tree; rejects with a `FencedOutError` otherwise.
 */
export type FencedWriter = (bundle: Bundle, root: string, tag: string | undefined) => Promise<void>

/** Who runs which process tree. Claims are per owner (one per worker) and idempotent. */
export interface Ownership extends LauncherOwnership {
  /** The name this owner is known by (the worker's id), as `ownerOf` reports it to others. */
  readonly name: string
  /**
   * Claim `pid` for this owner: true when this owner holds it afterwards (also when it held it
   * already), false when another owner holds it.
   */
  claim(pid: string): Promise<boolean>
  /** The tree of `pid` has ended: forget its claim. Nothing happens when this owner does not hold it. */
  release(pid: string): Promise<void>
  /** Whether anyone (this owner included) holds `pid`. */
  isClaimed(pid: string): Promise<boolean>
  /** The name of the owner holding `pid` (`'unknown'` if it cannot be told), or undefined. */
  ownerOf(pid: string): Promise<string | undefined>
  /** Whether this owner holds `pid`, as far as it knows. */
  holds(pid: string): boolean
  /**
   * Up to `limit` pids of stored, non-terminal root processes that a worker ran and that no
   * live worker holds now (their worker died, or stopped and handed them back): a worker
   * continues them itself. Always empty for claims that live in one program's memory.
   */
  unheld(limit: number): Promise<string[]>
  /**
   * Claims up to `limit` root processes whose timers are due at `now` (ms since the epoch, the
   * runner's clock) and that no live worker holds, from the store's deadline index: the pids
   * this owner holds now, earliest deadline first. Absent where claims live in one program's
   * memory (the worker then claims from the store's own index, see `due-timers.ts`).
   */
  claimDue?(now: number, limit: number): Promise<string[]>
  /** Gives every claim back at once (a graceful stop): any worker may take them over now. */
  handBack(): Promise<void>
  /**
   * Fenced checkpoint writes, when other programs could take a tree over: a worker writes its
   * checkpoints through it. Undefined for claims that live in one program's memory.
   */
  readonly fencedWriter?: FencedWriter
  /** Ends this owner: claims not handed back are free once it is gone. Idempotent. */
  close(): Promise<void>
}

/** Claims shared by the {@link LocalOwnership}s of one program: pid → owner name. */
export class LocalClaims {
  readonly byPid = new Map<string, string>()
}

const sharedClaims = new LocalClaims()

/**
 * Ownership in this program's memory. Owners made on the same {@link LocalClaims} (by default one
 * per program) exclude each other; owners in other programs are invisible, so use it only when a
 * single worker process serves the store.
 *
 * @example
 * const ownership = new LocalOwnership('worker-1')
 * await ownership.claim(pid) // true
 * await new LocalOwnership('worker-2').claim(pid) // false: worker-1 holds it
 */
export class LocalOwnership implements Ownership {
  private closed = false
  private readonly mine = new Set<string>()

  constructor(
    readonly name: string,
    private readonly claims: LocalClaims = sharedClaims,
  ) {}

  async claim(pid: string): Promise<boolean> {
    this.refuseIfClosed()
    const owner = this.claims.byPid.get(pid)
    if (owner !== undefined && !this.mine.has(pid)) return false
    this.claims.byPid.set(pid, this.name)
    this.mine.add(pid)
    return true
  }

  async release(pid: string): Promise<void> {
    if (!this.mine.delete(pid)) return
    this.claims.byPid.delete(pid)
  }

  async isClaimed(pid: string): Promise<boolean> {
    return this.claims.byPid.has(pid)
  }

  async ownerOf(pid: string): Promise<string | undefined> {
    return this.claims.byPid.get(pid)
  }

  holds(pid: string): boolean {
    return this.mine.has(pid)
  }

  async unheld(): Promise<string[]> {
    return []
  }

  async handBack(): Promise<void> {
    for (const pid of this.mine) this.claims.byPid.delete(pid)
    this.mine.clear()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.handBack()
  }

  private refuseIfClosed(): void {
    if (this.closed) throw new Error(`ownership of ${this.name} is closed: no more claims`)
  }
}
