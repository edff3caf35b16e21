/**
 * Where a process waits for the commits of its checkpoints, by its host's durability mode (see
 * `durability.ts`): before each step on a `strict` host, before it counts as ended on a
 * `strict` or `batched` one, and before a signal sent to it on such a host is answered.
 */
import type { Bundle } from '../checkpoint/bundle.js'
import { errorInfo } from '../process/errors.js'
import { Events } from '../process/events.js'
import { endsWhenCommitted } from './durability.js'
import { CheckpointNotCommittedError } from './errors.js'
import type { ProcessHandle } from './handle.js'

/**
 * On a `strict` host, while a checkpoint of `process` is being committed: arrange for it to step
 * on once it is (or to fail, if the commit fails), and say so (true), so that no step runs past
 * an uncommitted checkpoint.
 */
export const waitsForCommit = (process: ProcessHandle): boolean => {
  const host = process.host
  if (host.durability !== 'strict') return false
  // One wait at a time, which ends by driving the process on (or failing it): asking for the
  // commit again meanwhile would only make promises that nobody handles if it fails.
  if (process.commitAwaited) return true
  const pending = host.committing?.(process.pid)
  if (pending === undefined) return false
  process.commitAwaited = true
  void pending.then(
    () => {
      process.commitAwaited = false
      process.drive()
    },
    (reason: unknown) => {
      process.commitAwaited = false
      // Ended meanwhile (killed): its end waits for its own, later commit (`afterEndCommitted`).
      if (!process.hasTerminated()) failBeforeNextStep(process, reason)
    },
  )
  return true
}

/** Whether `process` counts as ended as soon as it ends (its host's ends wait for no commit). */
export const endsAtOnce = (process: ProcessHandle): boolean =>
  !endsWhenCommitted(process.host.durability)

/** On a host whose processes end once committed: the commit still awaited, if any. */
export const endCommitted = (process: ProcessHandle): Promise<void> | undefined =>
  endsWhenCommitted(process.host.durability) ? process.host.committing?.(process.pid) : undefined

/**
 * Call `callback` once the end of `process` is committed (at once when nothing is awaited), or
 * once its commit failed: `process.endNotCommitted` then says why, and what waits for the end
 * must not take it as committed.
 */
export const afterEndCommitted = (process: ProcessHandle, callback: () => void): void => {
  const pending = endCommitted(process)
  if (pending === undefined) callback()
  else
    void pending.then(callback, (reason: unknown) => {
      endNotCommitted(process, reason)
      callback()
    })
}

/**
 * The checkpoint `refused` of `process` could not be committed and will not be (the store
 * refused it; a store that is down for a while is retried, not reported here). Call it before
 * the commit it belongs to settles, so that what waits for that commit knows.
 *
 * - Before the end: on a `strict` host no step may run past an uncommitted checkpoint, so the
 *   process fails with a `CheckpointNotCommittedError` before its next step; the store keeps its
 *   last committed checkpoint, from which it can be continued. Other modes let it run on, as
 *   they run ahead of their commits anyway.
 * - Its last checkpoint, once it has ended: on a `strict` or `batched` host its end does not
 *   count as committed (see `afterEndCommitted`). An earlier checkpoint refused after the
 *   process ended (batched processes run ahead) changes nothing: later writes replace it.
 */
export const checkpointNotCommitted = (
  process: ProcessHandle,
  reason: unknown,
  refused: Bundle,
): void => {
  checkpointRefused(process, reason)
  if (process.hasTerminated()) {
    // The last checkpoint holds the state it ended in; FINISHED refused and then EXCEPTED (a
    // finishing hook that failed) committed is a committed end.
    if (refused.snapshot.state._tag === process.state) endNotCommitted(process, reason)
    return
  }
  if (process.host.durability === 'strict') failBeforeNextStep(process, reason)
}

/** A strict process's checkpoint was not committed: it fails instead of taking its next step. */
const failBeforeNextStep = (process: ProcessHandle, reason: unknown): void => {
  const error = new CheckpointNotCommittedError(process.pid, reason)
  process.recordError(error)
  process.driveWith(Events.fail(errorInfo(error)))
}

/** Where the end counts once committed: record that it was not, and why (the first reason). */
const endNotCommitted = (process: ProcessHandle, reason: unknown): void => {
  if (!endsWhenCommitted(process.host.durability)) return
  process.extras.endNotCommitted ??= new CheckpointNotCommittedError(process.pid, reason, 'end')
}

/**
 * A checkpoint of `process` was not committed and will not be: refused by the store (see
 * `checkpointNotCommitted`), or by the fence of a worker that lost the process's tree. Counted,
 * so that an answer waiting for that commit (`answerOnceCommitted`) is not given as if it were.
 */
export const checkpointRefused = (process: ProcessHandle, reason: unknown): void => {
  const extras = process.extras
  extras.refusedCheckpoints += 1
  extras.lastRefusal = reason
}

/** How many checkpoints of `process` were refused so far: the mark `answerOnceCommitted` takes. */
export const refusalMark = (process: ProcessHandle): number => process.extras.refusedCheckpoints

/**
 * The answer to what was sent to `process` (a signal, a resume, a pause, a play, a kill), where
 * its host reports only what is committed (`strict`, `batched`): `value` once every checkpoint of
 * the process handed to the store so far is committed, and a `CheckpointNotCommittedError`
 * (`at: 'signal'`) instead if one was refused since `mark` (taken when the request arrived; a
 * checkpoint in flight then counts too, since which one holds the request is not known) or a
 * plugin's commit failed. On an `async` host `value` at once, as it runs ahead of its commits.
 */
export const answerOnceCommitted = <T>(
  process: ProcessHandle,
  mark: number,
  value: T,
): T | Promise<T> => {
  if (!endsWhenCommitted(process.host.durability)) return value
  const answer = (): T => {
    const extras = process.extras
    if (extras.refusedCheckpoints === mark) return value
    throw new CheckpointNotCommittedError(process.pid, extras.lastRefusal, 'signal')
  }
  const pending = process.host.committing?.(process.pid)
  if (pending === undefined) return answer()
  return pending.then(answer, (reason: unknown) => {
    throw new CheckpointNotCommittedError(process.pid, reason, 'signal')
  })
}
