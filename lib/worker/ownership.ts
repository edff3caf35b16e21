/**
 * Ownership: a process runs on one worker at a time. A worker claims a pid before it runs the
 * process and releases it when the process has terminated (or was paused for shutdown); a task
 * for a pid that another worker holds is not run a second time.
 *
 * Two implementations:
 * - `PostgresOwnership` (`postgres-ownership.ts`): session-level advisory locks on a dedicated
 *   connection to the checkpoint database, shared by every worker of that database. A worker that
 *   dies loses its connection and with it its claims, so its processes can be taken over at once.
 * - {@link LocalOwnership}: claims in this program's memory, for single-machine stores (memory,
 *   files, SQLite) served by one worker process.
 */
import type { LauncherOwnership } from '../comms/launcher.js'

/** The prefix of the name a worker's database connections carry (`application_name`). */
export const OWNER_APPLICATION_PREFIX = 'plumpy-ts worker '

/** Who runs which process. Claims are per owner (one per worker) and idempotent. */
export interface Ownership extends LauncherOwnership {
  /** The name this owner is known by (the worker's id), as `ownerOf` reports it to others. */
  readonly name: string
  /**
   * Claim `pid` for this owner: true when this owner holds it afterwards (also when it held it
   * already), false when another owner holds it.
   */
  claim(pid: string): Promise<boolean>
  /** Give `pid` up; nothing happens when this owner does not hold it. */
  release(pid: string): Promise<void>
  /** Whether anyone (this owner included) holds `pid`. */
  isClaimed(pid: string): Promise<boolean>
  /** The name of the owner holding `pid` (`'unknown'` if it cannot be told), or undefined. */
  ownerOf(pid: string): Promise<string | undefined>
  /** Whether this owner holds `pid`, as far as it knows. */
  holds(pid: string): boolean
  /** Releases every claim and frees the connection; later claims reject. Idempotent. */
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

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const pid of this.mine) this.claims.byPid.delete(pid)
    this.mine.clear()
  }

  private refuseIfClosed(): void {
    if (this.closed) throw new Error(`ownership of ${this.name} is closed: no more claims`)
  }
}
