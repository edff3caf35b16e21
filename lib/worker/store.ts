/**
 * The store as a worker writes it: a persister wrapper that makes the order of checkpoint writes
 * part of the recovery guarantees.
 *
 * - **Per process, in order**: the writes of one pid are applied one after another; a save that
 *   comes while the pid's last write has not started yet (it waits for the one before it; a
 *   pid's first write waits for the end of the turn) is folded into it, so a process created
 *   and started in the same turn (a launch) costs one commit, not two.
 * - **Children first**: a process's write waits for the writes in flight of its children (known
 *   from their bundles' `parentPid`). So a chain's WAITING checkpoint, which names a child, is
 *   never committed before the child's own first checkpoint, and its next one (the child's
 *   result in its context) never before the child's terminal checkpoint: a worker dying between
 *   the two can never leave a parent that waits on a child nobody can load, or a finished child
 *   stored as still running.
 * - **Written**: `written(pid)` resolves once every write of `pid` started so far is committed
 *   (a claim is released only then), `barrier()` once every write started so far is.
 * - **Retried**: a write that fails because the store is unavailable for a while (a database
 *   restart) is retried with backoff until it commits: a checkpoint is never dropped, and since
 *   steps wait for the checkpoints before them, processes wait with it.
 * - **Fenced**: writes go through `write` (a worker's fenced writer, see `PostgresOwnership`);
 *   one refused because another worker took the process's tree over is reported to
 *   `onFencedOut` and not retried.
 * - **Fence**: after `fence()`, saves are dropped. A worker fences before it releases its
 *   processes (shutdown) or when it lost its claims, so that it can never overwrite the
 *   checkpoint of a process that another worker has taken over; `abandon()` also stops the
 *   retries of writes under way.
 * - **Let go**: `writtenHere(pid)` rejects when a save of `pid` was not written because this
 *   worker let the process go (refused by the fence, dropped once fenced, given up once
 *   abandoned): what the process did since is not this worker's to report.
 */
import { bundle, type Bundle } from '../checkpoint/bundle.js'
import { FencedOutError } from '../persistence/fence.js'
import {
  findCheckpoint,
  type PersistedCheckpoint,
  type Persister,
} from '../persistence/persister.js'
import { isTransientStoreError } from '../persistence/transient.js'
import { silentLogger, type Logger, type Scheduler } from '../runtime/environment.js'
import { checkpointNotCommitted, checkpointRefused } from '../runtime/commit-gate.js'
import type { ProcessHandle } from '../runtime/handle.js'
import type { RunnerPlugin } from '../runtime/runner.js'
import { WriteSequence } from './write-sequence.js'

/** Options of a {@link WorkerStore}. */
export interface WorkerStoreOptions {
  /** How a checkpoint is written (default: the inner store's `saveCheckpoint`). */
  readonly write?: (bundle: Bundle, tag: string | undefined) => Promise<void>
  /** Told when writes start failing, and when they succeed again. */
  readonly logger?: Logger
  /** Backoff of retried writes: first delay (default 100 ms), doubling up to `maxDelayMs` (2 s). */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number }
  /** A fenced write was refused: the process's tree is another worker's now. */
  readonly onFencedOut?: (error: FencedOutError) => void
}

/** A write of `pid` that may not have started: a later save of the same pid replaces `data`. */
interface QueuedWrite {
  data: Bundle
  readonly tag: string | undefined
  promise?: Promise<void>
}

/** The worker's view of its store. */
export class WorkerStore implements Persister {
  /** The last write of each pid while it has not started. */
  private readonly queued = new Map<string, QueuedWrite>()
  /** Resolves at the end of the current turn, while first writes wait for it. */
  private turnEnd: Promise<void> | undefined
  /** The last write of each pid (never rejects), while it is in flight. */
  private readonly writes = new Map<string, Promise<void>>()
  /** Children seen in bundles, by parent pid. */
  private readonly children = new Map<string, Set<string>>()
  private readonly sequence = new WriteSequence()
  private fenced = false
  private abandoned = false
  private dropped = 0
  /** Why saves of a pid were not written since this worker let the process go (`writtenHere`). */
  private readonly letGo = new Map<string, Error>()
  /** Since when writes fail (undefined while they succeed), and how many retries since. */
  private failingSince: number | undefined
  private retries = 0

  constructor(
    readonly inner: Persister,
    private readonly options: WorkerStoreOptions = {},
  ) {}

  /** Whether saves are being dropped. */
  get isFenced(): boolean {
    return this.fenced
  }

  /** How many saves were dropped since `fence()`. */
  get droppedSaves(): number {
    return this.dropped
  }

  saveCheckpoint(data: Bundle, tag?: string): Promise<void> {
    const pid = data.pid
    if (this.fenced) {
      this.dropped += 1
      this.letGo.set(pid, new Error(`checkpoint of ${pid} not written: this worker let it go`))
      return Promise.resolve()
    }
    if (data.parentPid !== undefined) this.childrenOf(data.parentPid).add(pid)
    const queued = this.queued.get(pid)
    // Folded only without children: a child's write issued since must come before this one.
    if (queued?.promise !== undefined && queued.tag === tag && !this.children.has(pid)) {
      queued.data = data
      return queued.promise
    }
    const children = [...(this.children.get(pid) ?? [])]
    const before = [this.writes.get(pid), ...children.map((child) => this.writes.get(child))]
    const entry: QueuedWrite = { data, tag }
    this.queued.set(pid, entry)
    // A pid's first write waits for the end of this turn (its microtasks): what the worker does
    // to a new process meanwhile (a launch starts it) is folded into that one write.
    const ready = before.every((previous) => previous === undefined)
      ? this.endOfTurn()
      : Promise.all(before)
    const write = ready.then(() => {
      if (this.queued.get(pid) === entry) this.queued.delete(pid)
      return this.writeUntilDone(entry.data, tag)
    })
    entry.promise = write
    const settled = write.then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof FencedOutError || this.abandoned) this.letGo.set(pid, asError(error))
      },
    )
    const ticket = this.sequence.begin()
    this.writes.set(pid, settled)
    void settled.then(() => {
      this.sequence.end(ticket)
      if (this.writes.get(pid) !== settled) return
      this.writes.delete(pid)
      if (entry.data.snapshot.closed) this.forget(pid, entry.data.parentPid)
    })
    return write
  }

  /**
   * Resolves at the end of this turn of the event loop: one promise for every first write of the
   * turn, so that they start together and a group-committing store takes them in one batch.
   */
  private endOfTurn(): Promise<void> {
    return (this.turnEnd ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.turnEnd = undefined
        resolve()
      }),
    ))
  }

  /** Resolves once every write of `pid` started so far is committed (or failed). */
  async written(pid: string): Promise<void> {
    await this.writes.get(pid)
  }

  /**
   * Resolves as `written(pid)` does, but rejects when a save of `pid` was not written because
   * this worker let the process go: a write refused by the fence (another worker took the tree
   * over), a save dropped after `fence()`, or a write given up by `abandon()`. A launcher does
   * not answer the task of such a process: its outcome here is not the committed one.
   */
  async writtenHere(pid: string): Promise<void> {
    await this.writes.get(pid)
    const letGo = this.letGo.get(pid)
    if (letGo !== undefined) throw letGo
  }

  /** Resolves once every write of `pid` started so far is done; undefined if none is in flight. */
  committing(pid: string): Promise<void> | undefined {
    return this.writes.get(pid)
  }

  /** Resolves once every write started so far is committed (or failed). */
  barrier(): Promise<void> {
    return this.sequence.upTo(this.sequence.issued)
  }

  /** Calls `callback` once every write started before this call is committed. */
  afterWrites(callback: () => void): void {
    this.sequence.whenDone(this.sequence.issued, callback)
  }

  /** Resolves once no write is in flight. */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes.values()])
  }

  /** Drop every later save (writes already started complete). */
  fence(): void {
    this.fenced = true
  }

  /** Drop every later save, and stop retrying the writes under way. */
  abandon(): void {
    this.fenced = true
    this.abandoned = true
  }

  /** Writes, retrying while the store is unavailable; rejects for any other failure. */
  private async writeUntilDone(data: Bundle, tag: string | undefined): Promise<void> {
    const longest = this.options.retry?.maxDelayMs ?? 2_000
    for (
      let delay = this.options.retry?.initialDelayMs ?? 100;
      ;
      delay = Math.min(delay * 2, longest)
    ) {
      try {
        await (this.options.write ?? ((b, t) => this.inner.saveCheckpoint(b, t)))(data, tag)
        this.succeeded()
        return
      } catch (error) {
        if (error instanceof FencedOutError) this.options.onFencedOut?.(error)
        if (this.abandoned || !isTransientStoreError(error)) throw error
        this.failed(error)
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }

  private failed(error: unknown): void {
    this.retries += 1
    if (this.failingSince !== undefined) return
    this.failingSince = Date.now()
    ;(this.options.logger ?? silentLogger).warn(
      `checkpoint writes fail (${error instanceof Error ? error.message : String(error)}): ` +
        'retrying until the store is back',
    )
  }

  private succeeded(): void {
    if (this.failingSince === undefined) return
    const seconds = ((Date.now() - this.failingSince) / 1000).toFixed(1)
    ;(this.options.logger ?? silentLogger).warn(
      `checkpoint writes succeed again after ${seconds} s (${this.retries} retries)`,
    )
    this.failingSince = undefined
    this.retries = 0
  }

  loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    return this.inner.loadCheckpoint(pid, tag)
  }

  findCheckpoint(pid: string, tag?: string): Promise<Bundle | undefined> {
    return findCheckpoint(this.inner, pid, tag)
  }

  getCheckpoints(): Promise<PersistedCheckpoint[]> {
    return this.inner.getCheckpoints()
  }

  getProcessCheckpoints(pid: string): Promise<PersistedCheckpoint[]> {
    return this.inner.getProcessCheckpoints(pid)
  }

  deleteCheckpoint(pid: string, tag?: string): Promise<void> {
    return this.inner.deleteCheckpoint(pid, tag)
  }

  deleteProcessCheckpoints(pid: string): Promise<void> {
    return this.inner.deleteProcessCheckpoints(pid)
  }

  close(): Promise<void> {
    return this.inner.close()
  }

  private childrenOf(pid: string): Set<string> {
    let set = this.children.get(pid)
    if (set === undefined) this.children.set(pid, (set = new Set()))
    return set
  }

  /** A terminated process's last write is done: no later write needs to wait for it. */
  private forget(pid: string, parentPid: string | undefined): void {
    this.children.delete(pid)
    if (parentPid === undefined) return
    const siblings = this.children.get(parentPid)
    siblings?.delete(pid)
    if (siblings?.size === 0) this.children.delete(parentPid)
  }
}

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error))

/**
 * A runner scheduler that writes ahead: a callback (the next step of a process, a child's start,
 * an awaited result delivered) runs only once every checkpoint saved before it is committed.
 * "Before" is counted at the end of the current synchronous run (a microtask later), because a
 * step schedules its children's start before its own transition is checkpointed. Steps then
 * never run ahead of their checkpoints: after a crash, only the steps of the last synchronous run
 * of a process can run again. It also paces the runner to the store.
 */
export const writeAheadScheduler =
  (store: WorkerStore): Scheduler =>
  (callback) =>
    queueMicrotask(() => store.afterWrites(() => setImmediate(callback)))

/**
 * Checkpoint every process at every state change, when it is paused or played, and when a signal
 * is kept in its inbox, handing each checkpoint to the store at once (in the transition's own
 * turn).
 *
 * - The runner's built-in `checkpoints: 'every-transition'` queues a process's next checkpoint
 *   behind its previous write before handing it over, so the store could not count it yet when
 *   the next step is scheduled: write-ahead needs this one.
 * - A pause is no transition, but a process paused by its user must come back paused wherever
 *   it is loaded next (a pause while the worker shuts down is not written: the store is fenced).
 */
export const checkpointEveryTransition = (store: WorkerStore, logger: Logger): RunnerPlugin => {
  const save = (process: ProcessHandle) => {
    const data = bundle(process)
    // What `store.committing(pid)` gives settles through a handler of this write attached before
    // this one: whatever waits for it runs after this one, and so knows of the failure.
    store.saveCheckpoint(data).catch((error: unknown) => {
      logger.error(`checkpoint of ${process.pid} failed: ${String(error)}`)
      // Fenced out: the tree is another worker's now, and this one stops (see `onFencedOut`);
      // the process is not failed here, but nothing waiting for this commit is answered as if
      // it were.
      if (error instanceof FencedOutError) checkpointRefused(process, error)
      else checkpointNotCommitted(process, error, data)
    })
  }
  return {
    takesCheckpoints: true,
    committing: (pid) => store.committing(pid),
    created: (process) =>
      process.addProcessListener({ onProcessPaused: save, onProcessPlayed: save }),
    stateChanged: save,
    signalKept: save,
  }
}
