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
