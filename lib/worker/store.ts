/**
 * The store as a worker writes it: a persister wrapper that makes the order of checkpoint writes
 * part of the recovery guarantees.
 *
 * - **Per process, in order**: the writes of one pid are applied one after another.
 * - **Children first**: a process's write waits for the writes in flight of its children (known
 *   from their bundles' `parentPid`). So a chain's WAITING checkpoint, which names a child, is
 *   never committed before the child's own first checkpoint, and its next one (the child's
 *   result in its context) never before the child's terminal checkpoint: a worker dying between
 *   the two can never leave a parent that waits on a child nobody can load, or a finished child
 *   stored as still running.
 * - **Written**: `written(pid)` resolves once every write of `pid` started so far is committed
 *   (a claim is released only then), `barrier()` once every write started so far is.
 * - **Fence**: after `fence()`, saves are dropped. A worker fences before it releases its
 *   processes (shutdown) or when it lost its claims, so that it can never overwrite the
 *   checkpoint of a process that another worker has taken over.
 */
import { bundle, type Bundle } from '../checkpoint/bundle.js'
import type { PersistedCheckpoint, Persister } from '../persistence/persister.js'
import type { Logger, Scheduler } from '../runtime/environment.js'
import type { ProcessHandle } from '../runtime/handle.js'
import type { RunnerPlugin } from '../runtime/runner.js'

/** The worker's view of its store. */
export class WorkerStore implements Persister {
  /** The last write of each pid (never rejects), while it is in flight. */
  private readonly writes = new Map<string, Promise<void>>()
  /** Children seen in bundles, by parent pid. */
  private readonly children = new Map<string, Set<string>>()
  private readonly sequence = new WriteSequence()
  private fenced = false
  private dropped = 0

  constructor(readonly inner: Persister) {}

  /** Whether saves are being dropped. */
  get isFenced(): boolean {
    return this.fenced
  }

  /** How many saves were dropped since `fence()`. */
  get droppedSaves(): number {
    return this.dropped
  }

  saveCheckpoint(data: Bundle, tag?: string): Promise<void> {
    if (this.fenced) {
      this.dropped += 1
      return Promise.resolve()
    }
    const pid = data.pid
    if (data.parentPid !== undefined) this.childrenOf(data.parentPid).add(pid)
    const children = [...(this.children.get(pid) ?? [])]
    const before = [this.writes.get(pid), ...children.map((child) => this.writes.get(child))]
    const write = Promise.all(before).then(() => this.inner.saveCheckpoint(data, tag))
    const settled = write.then(
      () => undefined,
      () => undefined,
    )
    const ticket = this.sequence.begin()
    this.writes.set(pid, settled)
    void settled.then(() => {
      this.sequence.end(ticket)
      if (this.writes.get(pid) !== settled) return
      this.writes.delete(pid)
      if (data.snapshot.closed) this.forget(pid, data.parentPid)
    })
    return write
  }

  /** Resolves once every write of `pid` started so far is committed (or failed). */
  async written(pid: string): Promise<void> {
    await this.writes.get(pid)
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

  loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    return this.inner.loadCheckpoint(pid, tag)
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

/**
 * Numbered writes that may complete in any order, and callbacks waiting until every write up to
 * a number is done (the low-water mark passes it).
 */
class WriteSequence {
  issued = 0
  private readonly open: number[] = []
  private head = 0
  private readonly finished = new Set<number>()
  /** Callbacks by the number they wait for (in that order: numbers only grow). */
  private waiters: { upTo: number; callback: () => void }[] = []
  private nextWaiter = 0

  begin(): number {
    this.issued += 1
    this.open.push(this.issued)
    return this.issued
  }

  end(ticket: number): void {
    this.finished.add(ticket)
    while (this.head < this.open.length && this.finished.has(this.open[this.head] as number)) {
      this.finished.delete(this.open[this.head] as number)
      this.head += 1
    }
    if (this.head > 1024 && this.head * 2 > this.open.length) {
      this.open.splice(0, this.head)
      this.head = 0
    }
    const done = this.doneUpTo()
    while ((this.waiters[this.nextWaiter]?.upTo ?? Infinity) <= done) {
      const waiter = this.waiters[this.nextWaiter]
      this.nextWaiter += 1
      waiter?.callback()
    }
    if (this.nextWaiter === this.waiters.length || this.nextWaiter > 1024) {
      this.waiters = this.waiters.slice(this.nextWaiter)
      this.nextWaiter = 0
    }
  }

  /** Every write numbered up to this one is done. */
  doneUpTo(): number {
    return this.head < this.open.length ? (this.open[this.head] as number) - 1 : this.issued
  }

  whenDone(upTo: number, callback: () => void): void {
    if (this.doneUpTo() >= upTo) callback()
    else this.waiters.push({ upTo, callback })
  }

  upTo(ticket: number): Promise<void> {
    return new Promise((resolve) => this.whenDone(ticket, resolve))
  }
}

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
 * Checkpoint every process at every state change, and when it is paused or played, handing each
 * checkpoint to the store at once (in the transition's own turn).
 *
 * - The runner's built-in `checkpoints: 'every-transition'` queues a process's next checkpoint
 *   behind its previous write before handing it over, so the store could not count it yet when
 *   the next step is scheduled: write-ahead needs this one.
 * - A pause is no transition, but a process paused by its user must come back paused wherever
 *   it is loaded next (a pause while the worker shuts down is not written: the store is fenced).
 */
export const checkpointEveryTransition = (store: WorkerStore, logger: Logger): RunnerPlugin => {
  const save = (process: ProcessHandle) => {
    store
      .saveCheckpoint(bundle(process))
      .catch((error: unknown) =>
        logger.error(`checkpoint of ${process.pid} failed: ${String(error)}`),
      )
  }
  return {
    takesCheckpoints: true,
    created: (process) =>
      process.addProcessListener({ onProcessPaused: save, onProcessPlayed: save }),
    stateChanged: save,
  }
}
