/**
 * Where a process waits for the commits of its checkpoints, by its host's durability mode (see
 * `durability.ts`): before each step on a `strict` host, and before it counts as ended on a
 * `strict` or `batched` one.
 */
import { errorInfo } from '../process/errors.js'
import { Events } from '../process/events.js'
import { endsWhenCommitted } from './durability.js'
import { CheckpointNotCommittedError } from './errors.js'
import type { ProcessHandle } from './handle.js'

/**
 * On a `strict` host, while a checkpoint of `process` is being committed: arrange for it to step
 * on once it is, and say so (true), so that no step runs past an uncommitted checkpoint.
 */
export const waitsForCommit = (process: ProcessHandle): boolean => {
  const host = process.host
  if (host.durability !== 'strict') return false
  const pending = host.committing?.(process.pid)
  if (pending === undefined) return false
  if (!process.commitAwaited) {
    process.commitAwaited = true
    void pending.then(() => {
      process.commitAwaited = false
      process.drive()
    })
  }
  return true
}

/** On a host whose processes end once committed: the commit still awaited, if any. */
export const endCommitted = (process: ProcessHandle): Promise<void> | undefined =>
  endsWhenCommitted(process.host.durability) ? process.host.committing?.(process.pid) : undefined

/** Call `callback` once the end of `process` is committed (at once when nothing is awaited). */
export const afterEndCommitted = (process: ProcessHandle, callback: () => void): void => {
  const pending = endCommitted(process)
  if (pending === undefined) callback()
  else void pending.then(callback)
}

/**
 * A checkpoint of `process` could not be committed and will not be (the store refused it; a store
 * that is down for a while is retried, not reported here). On a `strict` host no step may run past
 * an uncommitted checkpoint, so the process fails with a `CheckpointNotCommittedError` before its
 * next step; the store keeps its last committed checkpoint, from which it can be continued. Other
 * modes let it run on, as they run ahead of their commits anyway.
 */
export const checkpointNotCommitted = (process: ProcessHandle, reason: unknown): void => {
  if (process.host.durability !== 'strict' || process.hasTerminated()) return
  const error = new CheckpointNotCommittedError(process.pid, reason)
  process.recordError(error)
  process.driveWith(Events.fail(errorInfo(error)))
}
