/**
 * The parts of a process handle that most processes never use (listeners, pending actions,
 * waiters, the original error, live promises), kept in an object of their own that is made on
 * first use, so that they cost a created process nothing.
 */
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import { deferred, type Deferred } from './deferred.js'
import type { CheckpointNotCommittedError } from './errors.js'
import type { LiveAwaitables } from './awaiting.js'
import type { ProcessListener } from './listener.js'

/** What a handle keeps only once it needs it; `P` is the handle type (for its listeners). */
export class Rare<P> {
  parentPid: string | undefined = undefined
  listeners: Set<ProcessListener<P>> | undefined = undefined
  pendingPauses: Deferred<boolean>[] | undefined = undefined
  pendingKills: Deferred<boolean>[] | undefined = undefined
  terminationWaiters: (() => void)[] | undefined = undefined
  terminated: Deferred<void> | undefined = undefined
  originalError: unknown = undefined
  /** Why its end, on a host where a process ends once committed, was not committed. */
  endNotCommitted: CheckpointNotCommittedError | undefined = undefined
  /** How many of its checkpoints were refused so far (see `checkpointRefused`), and the last why. */
  refusedCheckpoints = 0
  lastRefusal: unknown = undefined
  /** Promises and children this process awaits. */
  awaited: LiveAwaitables | undefined = undefined
  /** The registry the process was loaded with: a retried child is launched again from it. */
  registry: DefinitionRegistry | undefined = undefined

  /** The process has ended: resolve what waits for it. */
  releaseWaiters(): void {
    this.terminated?.resolve()
    const waiters = this.terminationWaiters
    if (waiters !== undefined) for (const waiter of waiters.splice(0)) waiter()
  }

  /** A `pause` or `kill` that waits for the running step to end: settled by `settle`. */
  defer(action: 'pause' | 'kill'): Promise<boolean> {
    const later = deferred<boolean>()
    if (action === 'pause') (this.pendingPauses ??= []).push(later)
    else (this.pendingKills ??= []).push(later)
    return later.promise
  }
}

/** Resolve every pending action with `value`, emptying the list. */
export const settleAll = (pending: Deferred<boolean>[] | undefined, value: boolean): void => {
  for (const d of pending?.splice(0) ?? []) d.resolve(value)
}

/**
 * A promise settled with `outcome` (a process's outputs, or a rejected promise of its failure)
 * as a resolver given it settles it: the outputs at once, a failure two turns later.
 */
export const settledWith = <O>(outcome: O | Promise<never>): Promise<O> =>
  outcome instanceof Promise
    ? new Promise<O>((resolve) => resolve(outcome))
    : Promise.resolve(outcome)
