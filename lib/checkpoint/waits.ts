/**
 * What a waiting checkpoint waits on. A chain waits only on children it launched, so a
 * checkpoint that waits on itself, or on a process whose parent is another (a hand-edited row, a
 * pid reused), is damaged: loading it would run a process that belongs elsewhere, or never end.
 * These checks serve every place a checkpoint becomes a process, and `check` and `revive`,
 * which must refuse what loading would refuse.
 */
import type { Bundle } from './bundle.js'
import { CheckpointError } from './errors.js'

/** A child that a waiting checkpoint still waits on, and where its result goes. */
export interface AwaitedChild {
  readonly pid: string
  /** The context key the child's outputs go to. */
  readonly key: string
}

/** The children a checkpoint still waits on (none unless it is WAITING). */
export const awaitedChildren = (bundle: Bundle): AwaitedChild[] => {
  const state = bundle.snapshot.state
  if (state._tag !== 'WAITING') return []
  const children: AwaitedChild[] = []
  for (const pending of state.awaiting)
    if (!pending.done && pending.ref._tag === 'Child')
      children.push({ pid: pending.ref.pid, key: pending.key })
  return children
}

/** The error for a checkpoint that waits on itself, if it does. */
export const waitsOnItself = (bundle: Bundle, tag?: string): CheckpointError | undefined => {
  const self = awaitedChildren(bundle).find((child) => child.pid === bundle.pid)
  return self === undefined
    ? undefined
    : new CheckpointError(
        'cyclic',
        bundle.pid,
        tag,
        `it waits on itself (ctx.${self.key}): ${bundle.pid} → ${bundle.pid}`,
      )
}

/**
 * The error for a checkpoint waiting on `child` whose parent is `parentOfChild` (undefined: it
 * has none), unless that parent is the checkpoint's own process.
 */
export const notItsChild = (
  bundle: Bundle,
  child: AwaitedChild,
  parentOfChild: string | undefined,
  tag?: string,
): CheckpointError | undefined =>
  parentOfChild === bundle.pid
    ? undefined
    : new CheckpointError(
        'not-a-child',
        bundle.pid,
        tag,
        `it waits on ${child.pid} (ctx.${child.key}), which is not its child: ` +
          (parentOfChild === undefined
            ? `${child.pid} has no parent`
            : `the parent of ${child.pid} is ${parentOfChild}`),
      )

/**
 * The parents and waits of a store's processes, to tell without loading anything whether a
 * checkpoint would be refused for what it waits on (for `check`, and for `revive`, which must not
 * send a task that loading would refuse).
 */
export class WaitGraph {
  private readonly parents = new Map<string, string | undefined>()
  private readonly waitsOn = new Map<string, readonly string[]>()

  /** Record a process's untagged checkpoint. */
  add(bundle: Bundle): void {
    this.parents.set(bundle.pid, bundle.parentPid)
    const children = awaitedChildren(bundle)
    if (children.length > 0)
      this.waitsOn.set(
        bundle.pid,
        children.map((child) => child.pid),
      )
  }

  /** Whether a checkpoint of `pid` was recorded. */
  has(pid: string): boolean {
    return this.parents.has(pid)
  }

  /**
   * Why loading `bundle` would be refused for what it waits on: itself, a process that is not
   * its child ('not-a-child'), or a chain that waits back on it ('cyclic'). Children not
   * recorded are not judged here (they are missing, or fail to load on their own).
   */
  refusal(bundle: Bundle, tag?: string): CheckpointError | undefined {
    const loop = waitsOnItself(bundle, tag)
    if (loop !== undefined) return loop
    for (const child of awaitedChildren(bundle)) {
      if (!this.parents.has(child.pid)) continue
      const stranger = notItsChild(bundle, child, this.parents.get(child.pid), tag)
      if (stranger !== undefined) return stranger
      const cycle = this.cycleThrough(bundle.pid, child.pid)
      if (cycle !== undefined)
        return new CheckpointError('cyclic', bundle.pid, tag, `it waits on itself: ${cycle}`)
    }
    return undefined
  }

  /** The wait chain from `start` through `child` back to `start` (`a → b → a`), if any. */
  private cycleThrough(start: string, child: string): string | undefined {
    // Depth first without recursion: a store may hold a chain of any length.
    const cameFrom = new Map<string, string>([[child, start]])
    const stack = [child]
    for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
      for (const next of this.waitsOn.get(at) ?? []) {
        if (next === start) {
          const path = [start]
          let step: string | undefined = at
          while (step !== undefined && step !== start) {
            path.splice(1, 0, step)
            step = cameFrom.get(step)
          }
          return [...path, start].join(' → ')
        }
        if (!cameFrom.has(next)) {
          cameFrom.set(next, at)
          stack.push(next)
        }
      }
    }
    return undefined
  }
}
