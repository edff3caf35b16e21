/**
 * Why a launcher refuses a task before any process runs: unknown definition, invalid inputs, a
 * malformed task, a pid that names another process. A refused task is answered with the error
 * and logged in one line by the launcher; it is not passed on (no other launcher would do better
 * with it). A task that needs a persister the launcher lacks is passed on instead, since another
 * launcher may have one. And why a launcher does not continue a process another worker runs.
 */
import { CheckpointError } from '../checkpoint/errors.js'
import type { Persister } from '../persistence/persister.js'
import { InvalidInputsError } from '../runtime/errors.js'
import { InvalidMessageError, TaskRejected } from './errors.js'
import type { LauncherTask } from './messages.js'
import { PidConflictError } from './same-process.js'

/** A launch or create task names a definition this launcher does not know. */
export class UnknownDefinitionError extends Error {
  override readonly name = 'UnknownDefinitionError'
  constructor(readonly definition: string) {
    super(`no definition named '${definition}' is registered with this launcher`)
  }
}

/** A persist or continue task sent to a launcher without a persister. */
export class PersisterRequiredError extends Error {
  override readonly name = 'PersisterRequiredError'
  constructor(readonly what: string) {
    super(`a ${what} task needs a launcher with a persister`)
  }
}

/**
 * A task that needs a store, on a launcher without one: rejected (plumpy's `TaskRejected`), so
 * that a launcher with a persister takes it; its sender gets a `PersisterRequiredError` only
 * when every subscriber has rejected it.
 */
export const passOnWithoutPersister = (persister: Persister | undefined, what: string): void => {
  if (persister !== undefined) return
  const error = new PersisterRequiredError(what)
  throw new TaskRejected(`${error.message}: passed on`, { ifNobodyTakesIt: error })
}

/** A continue task for a process that another worker runs. */
export class ProcessRunningElsewhereError extends Error {
  override readonly name = 'ProcessRunningElsewhereError'
  constructor(
    readonly pid: string,
    readonly owner: string,
  ) {
    super(
      `process ${pid} is running on worker ${owner}: not continued here (a process runs on ` +
        `one worker at a time)`,
    )
  }
}

/**
 * A task names a child process: a child runs with its root process, wherever the root goes
 * (a task that ran it alone could run it a second time beside its root).
 */
export class ChildTaskError extends Error {
  override readonly name = 'ChildTaskError'
  constructor(
    readonly pid: string,
    readonly parent: string,
  ) {
    super(`process ${pid} is a child of ${parent}: it runs with its parent, continue that one`)
  }
}

/**
 * Whether a launcher refused a task for this error before running anything. A checkpoint that
 * will not load (damaged, of an unknown definition, invalid inputs…) is one: a continue task
 * sent without asking for an answer (`revive`, a stopping worker) would otherwise fail unseen.
 */
export const isRefusal = (error: unknown): boolean =>
  // 'not-json' and 'too-large' are failures of a running process's step, not of a load.
  (error instanceof CheckpointError &&
    error.problem !== 'not-json' &&
    error.problem !== 'too-large') ||
  error instanceof UnknownDefinitionError ||
  error instanceof ChildTaskError ||
  error instanceof PersisterRequiredError ||
  error instanceof InvalidInputsError ||
  error instanceof InvalidMessageError ||
  error instanceof PidConflictError

/** A task in a few words, for a log line: `launch Pipeline p1`, `continue p1`. */
export const describeTask = (task: LauncherTask): string =>
  task.task === 'continue' ? `continue ${task.pid}` : `${task.task} ${task.definition} ${task.pid}`
