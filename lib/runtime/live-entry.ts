/**
 * What the runtime knows of a retried entry beyond its snapshot data: the description the step
 * gave (with the task's `start` and the policy's `retryOn`, which are code).
 */
import { waitShape, type ToContextEntry } from '../commands/suspend.js'
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
