/**
 * Process trees of a launcher with an ownership: a claim covers a root process and every
 * process it launches, down the tree, since children run where their root runs. The claim is
 * released once the whole tree is over: the root and every descendant terminated, each with its
 * last checkpoint written (a chain that ended EXCEPTED may leave children running a while).
 *
 * `rootOf(pid)` names the claimed root of a process, for checkpoint writes fenced by that claim.
 * Children may be announced before their parents (a chain reloaded with its children restores
 * the children first), so roots are found by walking up when asked, not when created.
 */
import type { Bundle } from '../checkpoint/bundle.js'
import type { Runner } from '../runtime/runner.js'
import { ChildTaskError } from './launch-errors.js'
import type { LauncherOwnership } from './launcher-options.js'

/** The trees of the processes that run under claims. */
export class ProcessTrees {
  /** Claimed roots whose tree is not over yet. */
  private readonly roots = new Set<string>()
  private readonly parentOf = new Map<string, string>()
  /** How many children of a pid are not over yet. */
  private readonly openChildren = new Map<string, number>()
  /** Terminated and written, waiting for their children. */
  private readonly ended = new Set<string>()

  /** @param whenOver called once for a claimed root whose whole tree is over. */
  constructor(private readonly whenOver: (root: string) => void) {}

  /** `root` was claimed: it and whatever it launches form a tree. */
  claimed(root: string): void {
    this.roots.add(root)
  }

  /** The claim of `root` is gone without the tree running (not built, or found terminal). */
  abandoned(root: string): void {
    this.roots.delete(root)
  }

  /** A process was created or restored on the runner. */
  created(pid: string, parentPid: string | undefined): void {
    if (parentPid === undefined) return
    this.parentOf.set(pid, parentPid)
    this.openChildren.set(parentPid, (this.openChildren.get(parentPid) ?? 0) + 1)
  }

  /** A process has terminated and its last checkpoint is written. */
  over(pid: string): void {
    this.ended.add(pid)
    this.settle(pid)
  }

  /** The claimed root of `pid`'s tree, if it is in one. */
  rootOf(pid: string): string | undefined {
    let current = pid
    for (;;) {
      if (this.roots.has(current)) return current
      const parent = this.parentOf.get(current)
      if (parent === undefined) return undefined
      current = parent
    }
  }

  /** Whether `root` is a claimed root whose tree is not over. */
  isOpen(root: string): boolean {
    return this.roots.has(root)
  }

  private settle(pid: string): void {
    for (let current: string | undefined = pid; current !== undefined; ) {
      if (!this.ended.has(current) || (this.openChildren.get(current) ?? 0) > 0) return
      this.ended.delete(current)
      this.openChildren.delete(current)
      const parent = this.parentOf.get(current)
      this.parentOf.delete(current)
      if (parent === undefined) {
        if (this.roots.delete(current)) this.whenOver(current)
        return
      }
      const left = (this.openChildren.get(parent) ?? 1) - 1
      if (left > 0) this.openChildren.set(parent, left)
      else this.openChildren.delete(parent)
      current = parent
    }
  }
}

/**
 * A claim of a tree's root: held here, with whether the store held a checkpoint of the root
 * once claimed (undefined when unknown), or held by `owner`.
 */
export type TreeClaim =
  | { readonly _tag: 'Claimed'; readonly stored: boolean | undefined }
  | { readonly _tag: 'Elsewhere'; readonly owner: string }

/** What {@link ClaimedTrees} needs. */
export interface ClaimedTreesOptions {
  readonly ownership: LauncherOwnership
  readonly runner: Runner
  /** Resolves once every checkpoint of `pid` saved so far is written. */
  readonly written: (pid: string) => Promise<void>
}

/**
 * The claims of a launcher's process trees: a root is claimed before it runs, and its claim
 * released once its whole tree is over and written (a claim of the same pid waits for that).
 */
export class ClaimedTrees {
  private readonly trees = new ProcessTrees((root) => this.release(root))
  /** Claimed roots that have terminated here and whose last checkpoints are being written. */
  private readonly closing = new Map<string, Promise<void>>()
  /** Claims being released. */
  private readonly releasing = new Map<string, Promise<void>>()

  constructor(private readonly options: ClaimedTreesOptions) {
    options.runner.use({
      // Children run where their root runs, under its claim.
      created: (process) => this.trees.created(process.pid, process.parentPid),
      terminated: (process) => {
        const pid = process.pid
        const over = () => this.trees.over(pid)
        const written = options.written(pid).then(over, over)
        if (!this.trees.isOpen(pid)) return
        const closed = written.finally(() => {
          if (this.closing.get(pid) === closed) this.closing.delete(pid)
        })
        this.closing.set(pid, closed)
      },
    })
  }

  /**
   * Claim `root` for a tree to run here: `Claimed` once it is this worker's (with whether the
   * store held a checkpoint of it then, when the ownership says), or the name of the worker that
   * holds it.
   */
  async claim(root: string): Promise<TreeClaim> {
    const { ownership } = this.options
    // A root that has just ended here is still claimed by this worker while its last
    // checkpoints are on their way: a claim now would succeed, load the checkpoint before them
    // and run its last steps a second time. Wait until they are written and the claim let go.
    await this.closing.get(root)
    await this.releasing.get(root)
    const claim =
      ownership.claimChecked === undefined
        ? { claimed: await ownership.claim(root), stored: undefined }
        : await ownership.claimChecked(root)
    if (claim.claimed) {
      this.trees.claimed(root)
      return { _tag: 'Claimed', stored: claim.stored }
    }
    const owner = (await ownership.ownerOf(root).catch(() => undefined)) ?? 'another worker'
    return { _tag: 'Elsewhere', owner }
  }

  /**
   * A task runs a root only: a child runs with its root, under the root's claim (run alone, it
   * could run a second time beside its root).
   */
  refuseChild(stored: Bundle): void {
    if (stored.parentPid !== undefined) throw new ChildTaskError(stored.pid, stored.parentPid)
  }

  /** The tree of `root` will not run here (not built, or found over): release its claim. */
  async abandon(root: string): Promise<void> {
    this.trees.abandoned(root)
    await this.options.ownership.release(root)
  }

  /** The claimed root of `pid`'s tree, if it is in one. */
  rootOf(pid: string): string | undefined {
    return this.trees.rootOf(pid)
  }

  private release(root: string): void {
    const released = this.options.ownership
      .release(root)
      .catch((error: unknown) =>
        this.options.runner.logger.error(`claim of ${root} not released: ${String(error)}`),
      )
      .finally(() => this.releasing.delete(root))
    this.releasing.set(root, released)
  }
}
