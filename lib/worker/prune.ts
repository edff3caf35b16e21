/**
 * Prune: delete the checkpoints of orphans, children that nobody will ever run.
 *
 * A step that launched a child and whose own checkpoint was never committed (its worker died)
 * runs again when its process is continued, and launches another child: the first one stays in
 * the store, CREATED, awaited by nobody. Such a child is an orphan once its parent has ended (or
 * is gone from the store): nothing can await it any more. An orphan is never run (children run
 * only with their parent, and a task naming a child is refused); pruning only reclaims the room.
 *
 * A child of an ended parent may still be running, though: a chain that ended EXCEPTED when one
 * child failed leaves its other children running on their worker a while. So a child is pruned
 * only when no live worker holds its tree (the claim of its root, found by walking up its stored
 * ancestors).
 */
import type { Bundle } from '../checkpoint/bundle.js'
import { findCheckpoint, type Persister } from '../persistence/persister.js'
import { isTerminal } from '../process/state.js'
import type { Ownership } from './ownership.js'

/** What happened to one orphan. */
export type PruneOutcome =
  | { readonly _tag: 'Pruned'; readonly pid: string; readonly parent: string; readonly why: string }
  | {
      readonly _tag: 'Running'
      readonly pid: string
      readonly root: string
      readonly owner: string
    }
  | { readonly _tag: 'Failed'; readonly pid: string; readonly reason: string }

/** What prune needs. */
export interface PruneOptions {
  readonly persister: Persister
  /** Who holds which tree; for a store several workers share, `PostgresClaims`. */
  readonly claims: Pick<Ownership, 'ownerOf'>
  /**
   * The pids to examine (say, `PostgresPersister.orphanCandidates`); by default every stored
   * process, as often as needed to also prune the children of pruned orphans.
   */
  readonly candidates?: readonly string[]
  /** Only look, delete nothing. */
  readonly dryRun?: boolean
  /**
   * Told as candidates are looked at (`done` of `total`); a pass that finds orphans of pruned
   * orphans starts again from 0.
   */
  readonly onProgress?: (done: number, total: number) => void
}

/**
 * Find the orphans among the candidates and delete their checkpoints; one outcome per orphan.
 *
 * @example
 * const outcomes = await prune({ persister, claims: new PostgresClaims(persister) })
 * for (const outcome of outcomes) console.log(describePruneOutcome(outcome))
 */
export const prune = async (options: PruneOptions): Promise<PruneOutcome[]> => {
  if (options.candidates !== undefined) return pruneAmong(options, options.candidates)
  // Children of a pruned orphan are orphans too (their parent is gone): look again for them.
  // Each orphan is reported once, as the last pass that saw it found it.
  const outcomes = new Map<string, PruneOutcome>()
  for (let pass = 0; pass < 100; pass++) {
    const addresses = await options.persister.getCheckpoints()
    const pids = addresses.filter(({ tag }) => tag === undefined).map(({ pid }) => pid)
    const found = await pruneAmong(options, pids)
    for (const outcome of found) outcomes.set(outcome.pid, outcome)
    if (options.dryRun === true || !found.some((outcome) => outcome._tag === 'Pruned')) break
  }
  return [...outcomes.values()]
}

const pruneAmong = async (
  options: PruneOptions,
  pids: readonly string[],
): Promise<PruneOutcome[]> => {
  const stored = new StoredProcesses(options.persister)
  const outcomes: PruneOutcome[] = []
  for (const [index, pid] of pids.entries()) {
    options.onProgress?.(index, pids.length)
    try {
      const data = await stored.get(pid)
      const parent = data?.parentPid
      if (data === undefined || parent === undefined || isTerminal(data.snapshot.state)) continue
      const parentData = await stored.get(parent)
      if (parentData !== undefined && !isTerminal(parentData.snapshot.state)) continue
      const root = await stored.rootOf(pid)
      const owner = await options.claims.ownerOf(root)
      if (owner !== undefined) {
        outcomes.push({ _tag: 'Running', pid, root, owner })
        continue
      }
      if (options.dryRun !== true) await options.persister.deleteProcessCheckpoints(pid)
      const why = parentData === undefined ? 'its parent is not in the store' : 'its parent ended'
      outcomes.push({ _tag: 'Pruned', pid, parent, why })
    } catch (error) {
      outcomes.push({ _tag: 'Failed', pid, reason: reasonOf(error) })
    }
  }
  options.onProgress?.(pids.length, pids.length)
  return outcomes
}

/** Checkpoints loaded once per pass; undefined for a process that is not stored. */
class StoredProcesses {
  private readonly loaded = new Map<string, Bundle | undefined>()

  constructor(private readonly persister: Persister) {}

  async get(pid: string): Promise<Bundle | undefined> {
    if (this.loaded.has(pid)) return this.loaded.get(pid)
    const data = await findCheckpoint(this.persister, pid)
    this.loaded.set(pid, data)
    return data
  }

  /** The topmost stored ancestor's pid (or the first missing one's): the pid a worker claims. */
  async rootOf(pid: string): Promise<string> {
    const seen = new Set<string>()
    let current = pid
    for (;;) {
      seen.add(current)
      const parent = (await this.get(current))?.parentPid
      if (parent === undefined || seen.has(parent)) return current
      current = parent
    }
  }
}

/** One line for an outcome. */
export const describePruneOutcome = (outcome: PruneOutcome, dryRun = false): string => {
  switch (outcome._tag) {
    case 'Pruned':
      return (
        `${outcome.pid} ${dryRun ? 'would be pruned' : 'pruned'}: ${outcome.why} ` +
        `(${outcome.parent}), nothing awaits it`
      )
    case 'Running':
      return `${outcome.pid} kept: its tree ${outcome.root} runs on worker ${outcome.owner}`
    case 'Failed':
      return `${outcome.pid} NOT pruned: ${outcome.reason}`
    default:
      return outcome satisfies never
  }
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)
