/**
 * Automatic checkpoints: a runner plugin that saves a checkpoint of every process at every state
 * change (each step is one), so that any process can be continued after a restart. Saves of one
 * process are written in order; `flush()` waits for every write in flight, `committing(pid)` for
 * those of one process.
 */
import { bundle, type Bundle } from '../checkpoint/bundle.js'
import type { Persister } from '../persistence/persister.js'
import type { StateName } from '../process/state.js'
import { checkpointNotCommitted } from './commit-gate.js'
import type { ProcessHandle } from './handle.js'
import type { RunnerPlugin } from './runner.js'

/** Options of `checkpointing`. */
export interface CheckpointingOptions {
  /** Which tag to save under (default: the untagged, latest checkpoint). */
  readonly tag?: (
    process: ProcessHandle,
    from: StateName | null,
    to: StateName,
  ) => string | undefined
  /**
   * Called when a save fails (default: log it on the runner's logger); one that throws is logged
   * and ignored. On a `strict` runner the process then fails with a `CheckpointNotCommittedError`
   * before its next step, and on a `strict` or `batched` one a refused last checkpoint is
   * reported in place of its outcome (see `checkpointNotCommitted`).
   */
  readonly onError?: (error: unknown, process: ProcessHandle) => void
  /**
   * Merge the saves of a process (under one tag) that wait behind its write in flight: only the
   * last is written, since each replaces the one before. Default false: every save is written.
   */
  readonly merge?: boolean
}

/** A plugin that checkpoints at every transition, with a way to wait for the writes. */
export interface Checkpointing extends RunnerPlugin {
  /** Resolves when every save started so far has been written. */
  flush(): Promise<void>
  /** Resolves when every save of `pid` started so far is written; undefined if none is in flight. */
  committing(pid: string): Promise<void> | undefined
}

/** A save not yet handed to the store, which later saves of the process may replace. */
interface Waiting {
  data: Bundle
  readonly tag: string | undefined
}

/** Checkpoint every process of a runner at every state change into `persister`. */
export const checkpointing = (
  persister: Persister,
  options: CheckpointingOptions = {},
): Checkpointing => {
  const inFlight = new Map<string, Promise<void>>()
  const waiting = new Map<string, Waiting>()
  const save = (process: ProcessHandle, from: StateName | null, to: StateName) => {
    const pid = process.pid
    const tag = options.tag?.(process, from, to)
    const data = bundle(process)
    const queued = options.merge === true ? waiting.get(pid) : undefined
    if (queued !== undefined && queued.tag === tag) {
      queued.data = data
      return
    }
    const entry: Waiting = { data, tag }
    if (options.merge === true) waiting.set(pid, entry)
    const start = (): Promise<void> => {
      if (waiting.get(pid) === entry) waiting.delete(pid)
      return persister.saveCheckpoint(entry.data, entry.tag)
    }
    const done = () => {
      if (inFlight.get(pid) === write) inFlight.delete(pid)
    }
    const failed = (error: unknown) => {
      done()
      if (options.onError === undefined)
        process.host.logger.error(`checkpoint of ${pid} failed: ${String(error)}`)
      else tell(options.onError, error, process)
      checkpointNotCommitted(process, error, entry.data)
    }
    // With nothing of the process in flight the store gets the save at once: a strict process
    // waits for this commit before its next step, and every promise turn between the commit and
    // that step is on its path.
    const previous = inFlight.get(pid)
    const write = (previous === undefined ? startNow(start) : previous.then(start)).then(
      done,
      failed,
    )
    inFlight.set(pid, write)
  }
  return {
    takesCheckpoints: true,
    stateChanged: save,
    pausedChanged: (process) => save(process, process.state, process.state),
    signalKept: (process) => save(process, process.state, process.state),
    committing: (pid) => inFlight.get(pid),
    flush: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight.values()])
    },
  }
}

/**
 * Tell `onError` of a failed save. One that throws is logged and ignored, as a throwing listener
 * is: the write must still settle (a strict process waits on it), and the process still learns
 * of the failure.
 */
const tell = (
  onError: NonNullable<CheckpointingOptions['onError']>,
  error: unknown,
  process: ProcessHandle,
): void => {
  try {
    onError(error, process)
  } catch (thrown) {
    process.host.logger.error(
      `onError of checkpointing threw on the failed save of ${process.pid}: ${String(thrown)}`,
    )
  }
}

/** `start()`, a synchronous throw turned into a rejection as if it had run in a `then`. */
const startNow = (start: () => Promise<void>): Promise<void> => {
  try {
    return start()
  } catch (error) {
    return Promise.reject(error)
  }
}
