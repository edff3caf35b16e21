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
import { deferred, type Deferred } from './deferred.js'
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

/** One save of a process, in its line. */
interface Save {
  readonly process: ProcessHandle
  /** What to write: replaced by a later save of the same tag while this one waits (`merge`). */
  data: Bundle
  readonly tag: string | undefined
  /** The save behind it. */
  next: Save | undefined
  /** Settles once it is written or refused; made when someone waits for it (`committing`). */
  settled: Deferred<void> | undefined
}

/** Checkpoint every process of a runner at every state change into `persister`. */
export const checkpointing = (
  persister: Persister,
  options: CheckpointingOptions = {},
): Checkpointing => {
  const lines = new Map<string, Line>()
  const merge = options.merge === true
  const save = (process: ProcessHandle, from: StateName | null, to: StateName) => {
    const pid = process.pid
    const tag = options.tag?.(process, from, to)
    const made: Save = { process, data: bundle(process), tag, next: undefined, settled: undefined }
    const line = lines.get(pid)
    if (line !== undefined) line.add(made, merge)
    else {
      // With nothing of the process in flight the store gets the save at once: a strict process
      // waits for this commit before its next step, and every promise turn between the commit
      // and that step is on its path.
      const started = new Line(persister, options, () => lines.delete(pid), made)
      lines.set(pid, started)
      started.write()
    }
  }
  return {
    takesCheckpoints: true,
    stateChanged: save,
    pausedChanged: (process) => save(process, process.state, process.state),
    signalKept: (process) => save(process, process.state, process.state),
    committing: (pid) => lines.get(pid)?.committed(),
    flush: async () => {
      while (lines.size > 0) await Promise.all([...lines.values()].map((line) => line.committed()))
    },
  }
}

/**
 * The saves of one process, written one after the other: the one the store has, then those
 * waiting behind it. One line per run of saves (while any is in flight), with its two callbacks:
 * a save adds one entry to it, not a chain of promises and closures of its own.
 */
class Line {
  /** The save the store has. */
  private current: Save
  /** The last save (the current one when none waits). */
  private last: Save

  constructor(
    private readonly persister: Persister,
    private readonly options: CheckpointingOptions,
    /** Forget this line: its last save has settled. */
    private readonly ended: () => void,
    first: Save,
  ) {
    this.current = first
    this.last = first
  }

  /** Put `save` behind the others, or merge it into the last, which waits, under the same tag. */
  add(save: Save, merge: boolean): void {
    const last = this.last
    if (merge && last !== this.current && last.tag === save.tag) {
      last.data = save.data
      return
    }
    last.next = save
    this.last = save
  }

  /** Settles once every save of the line so far has been written or refused. */
  committed(): Promise<void> {
    return (this.last.settled ??= deferred()).promise
  }

  /**
   * Hand the current save to the store. A store that throws instead of rejecting refuses it too,
   * on a later turn like any refusal (not inside the state change that asked for the save).
   */
  write(): void {
    const { data, tag } = this.current
    let pending: Promise<void>
    try {
      pending = this.persister.saveCheckpoint(data, tag)
    } catch (error) {
      pending = Promise.reject(error)
    }
    void pending.then(this.written, this.refused)
  }

  private readonly written = (): void => this.settle(undefined, false)

  private readonly refused = (error: unknown): void => this.settle(error, true)

  /** The current save has been written (or refused): go on with the next, if any. */
  private settle(error: unknown, failed: boolean): void {
    const save = this.current
    const next = save.next
    // Forgotten first: what a refusal sets off (a strict process failing) finds nothing of it
    // in flight.
    if (next === undefined) this.ended()
    if (failed) this.refuse(save, error)
    save.settled?.resolve()
    if (next === undefined) return
    this.current = next
    this.write()
  }

  private refuse(save: Save, error: unknown): void {
    const process = save.process
    if (this.options.onError === undefined)
      process.host.logger.error(`checkpoint of ${process.pid} failed: ${String(error)}`)
    else tell(this.options.onError, error, process)
    checkpointNotCommitted(process, error, save.data)
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
