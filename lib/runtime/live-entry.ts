/**
 * What the runtime knows of a retried entry beyond its snapshot data: the description the step
 * gave (with the task's `start` and the policy's `retryOn`, which are code).
 */
import { waitShape, type ToContextEntry } from '../commands/suspend.js'
import { retryPlanOf } from '../interpreter/entry-retry.js'
import type { Pending } from '../process/state.js'
import type { RetryPlan } from '../retry/policy.js'
import { suspensionOf } from '../step/execute.js'
import type { ProcessHandle } from './handle.js'

/**
 * The description of the entry in `slot` of the current wait: kept since the step registered it,
 * or (after a reload) rebuilt by replaying a generator step suspended inside itself. Undefined
 * for a plain step's wait after a reload: only its snapshot data is left.
 */
export const liveEntry = (process: ProcessHandle, slot: number): ToContextEntry | undefined => {
  const kept = process.liveAwaitables?.retried.get(slot)
  if (kept !== undefined) return kept
  const suspension = suspensionOf(process)
  return suspension === undefined ? undefined : waitShape(suspension).entries[slot]
}

const retriedAt = (process: ProcessHandle, slot: number): Pending | undefined => {
  const state = process.snapshot.state
  const pending = state._tag === 'WAITING' ? state.awaiting[slot] : undefined
  return pending?.retry === undefined ? undefined : pending
}

/**
 * The plan whose `retryOn` judges a failure in `slot`: looked for only when the entry there
 * declared one (a replay costs a run of the step's code), undefined when it cannot be had back.
 */
export const livePlan = (process: ProcessHandle, slot: number): RetryPlan | undefined =>
  retriedAt(process, slot)?.retry?.retryOn === true
    ? retryPlanOf(liveEntry(process, slot)?.awaitable)
    : undefined

/** Whether the entry in `slot` retries but cannot be started again (its description is gone). */
export const cannotStartAgain = (process: ProcessHandle, slot: number): boolean =>
  retriedAt(process, slot) !== undefined && liveEntry(process, slot) === undefined
