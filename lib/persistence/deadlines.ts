/**
 * The deadline index: a store that keeps, beside each root process's latest checkpoint, the
 * earliest timer deadline it waits on, so that a worker can find the processes falling due
 * without reading a single body. The row is written with the checkpoint (in the same
 * transaction or statement) and goes when the process leaves WAITING, ends, or is deleted.
 *
 * Only root processes are indexed: a child runs under its root's claim, and comes back with it.
 */
import type { Bundle } from '../checkpoint/bundle.js'
import { earliestDeadline } from '../process/deadline.js'

/** A process of the index whose deadline has come. */
export interface DueProcess {
  readonly pid: string
  /** Its earliest timer deadline (ms since the epoch). */
  readonly deadline: number
}

/** How a worker claims due processes from a store's own index (stores without leases). */
export interface DueClaim {
  /** Now, by the claimant's clock (ms since the epoch). */
  readonly now: number
  /** The most processes to claim. */
  readonly limit: number
  /** Who claims (a worker's name). */
  readonly claimant: string
  /** How long the claim keeps others off (ms): a claimant that dies frees it after this. */
  readonly holdMs: number
}

/** A store that keeps the deadline index. */
export interface DeadlineIndex {
  /** Up to `limit` processes whose deadline is at or before `now`, earliest first. */
  dueProcesses(now: number, limit: number): Promise<DueProcess[]>
}

/**
 * A store whose index also records claims (SQLite, memory): claiming marks the due rows that no
 * unexpired claim holds with the claimant, in one atomic step, so two claimants never both get a
 * row. A claim ends when the process's next checkpoint moves its deadline or drops the row.
 */
export interface ClaimableDeadlineIndex extends DeadlineIndex {
  /** Claims up to `limit` due processes for `claimant`: those it won, earliest first. */
  claimDue(claim: DueClaim): Promise<DueProcess[]>
}

/**
 * The deadline to index for a process's latest (untagged) checkpoint: the earliest timer
 * deadline of a root process, undefined when there is none (then any row of the pid goes).
 * Tagged checkpoints are copies kept aside: they never touch the index.
 */
export const deadlineToIndex = (bundle: Bundle): number | undefined =>
  bundle.parentPid === undefined ? earliestDeadline(bundle.snapshot) : undefined

/** Whether `store`'s deadline index records claims. */
export const hasClaimableDeadlines = (store: object): store is ClaimableDeadlineIndex =>
  typeof (store as Partial<ClaimableDeadlineIndex>).claimDue === 'function'

/** Earliest first, then by pid (a stable order for equal deadlines). */
export const byDeadline = (a: DueProcess, b: DueProcess): number =>
  a.deadline - b.deadline || (a.pid < b.pid ? -1 : a.pid > b.pid ? 1 : 0)
