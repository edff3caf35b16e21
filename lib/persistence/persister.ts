/**
 * The persister interface: checkpoints stored by (pid, tag). Every store (in memory, files,
 * SQLite, PostgreSQL) passes the same conformance suite (`spec/persistence/conformance.ts`).
 */
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'

/** The address of one stored checkpoint. `tag` is undefined for the untagged (latest) one. */
export interface PersistedCheckpoint {
  readonly pid: string
  readonly tag: string | undefined
}

/** An entry of a store that should hold a checkpoint but cannot even be listed as one. */
export interface DamagedEntry {
  /** Where it is (a file name). */
  readonly name: string
  readonly reason: string
}

/**
 * Stores checkpoints. Loading always returns a fresh bundle (never the stored object), and a
 * checkpoint that cannot be decoded rejects with a `CheckpointError` naming the pid, the tag and
 * the reason, leaving every other checkpoint usable.
 */
export interface Persister {
  /** Store a checkpoint under (pid, tag), replacing any stored one. */
  saveCheckpoint(bundle: Bundle, tag?: string): Promise<void>
  /** Load the checkpoint (pid, tag); a `CheckpointError` ('not-found', 'malformed'…) otherwise. */
  loadCheckpoint(pid: string, tag?: string): Promise<Bundle>
  /**
   * Load the checkpoint (pid, tag), or undefined when none is stored, for callers to whom none is
   * no failure (a new launch looks for one): no `not-found` error is built, its stack neither.
   * Other failures reject as `loadCheckpoint`'s do. Optional: see {@link findCheckpoint}.
   */
  findCheckpoint?(pid: string, tag?: string): Promise<Bundle | undefined>
  /** Every stored checkpoint's address. */
  getCheckpoints(): Promise<PersistedCheckpoint[]>
  /** The addresses of one process's checkpoints. */
  getProcessCheckpoints(pid: string): Promise<PersistedCheckpoint[]>
  /** Delete one checkpoint; silent when it does not exist. */
  deleteCheckpoint(pid: string, tag?: string): Promise<void>
  /** Delete every checkpoint of a process. */
  deleteProcessCheckpoints(pid: string): Promise<void>
  /**
   * Entries that `getCheckpoints` leaves out because their address cannot be read (a file whose
   * header line is damaged…), for `plumpy-ts check`. Stores whose every entry is listed by key
   * need not offer it: their damaged entries fail to load instead.
   */
  damaged?(): Promise<DamagedEntry[]>
  /** Release connections and handles. */
  close(): Promise<void>
}

/**
 * The checkpoint (pid, tag) of `persister`, or undefined when it holds none: through its
 * `findCheckpoint` when it has one, else `loadCheckpoint` with its `not-found` error caught.
 */
export const findCheckpoint = (
  persister: Persister,
  pid: string,
  tag?: string,
): Promise<Bundle | undefined> => {
  if (persister.findCheckpoint !== undefined) return persister.findCheckpoint(pid, tag)
  return persister.loadCheckpoint(pid, tag).catch((error: unknown) => {
    if (error instanceof CheckpointError && error.problem === 'not-found') return undefined
    throw error
  })
}
