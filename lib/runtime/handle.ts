/**
 * The process handle: the Promise facade over one process's interpreter loop (it extends the
 * loop, so that a live process is one object, not two). It reads the
 * snapshot, sends requests (`resume`, `pause`, `play`, `kill`) and waits for the end
 * (`execute`). The loop's effects are performed by the runtime's runners (`effect-runners.ts`).
 */
import type { ToContextEntry } from '../commands/suspend.js'
import type { AwaitableRef } from '../process/awaitable.js'
import type { ProcessDefinition, ProcessView } from '../process/definition.js'
import type { Effect } from '../process/effects.js'
import { ClosedError } from '../process/errors.js'
import { Events } from '../process/events.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { isTerminal } from '../process/state.js'
import type { ProcessLoop } from '../interpreter/loop.js'
import type { LiveStep, StepContext } from '../step/execute.js'
import type { StepHost } from '../interpreter/step-event.js'
import { StepViews } from '../step/views.js'
import { deferred } from './deferred.js'
import { afterEndCommitted, endsAtOnce, waitsForCommit } from './commit-gate.js'
import type { CheckpointNotCommittedError } from './errors.js'
import { Rare, settleAll, settledWith } from './handle-extras.js'
import { ProcessReading } from './handle-reading.js'
import type { ProcessListener } from './listener.js'
import type { ProcessHost } from './host.js'
import { startEntries, watchAwaitable, type LiveAwaitables } from './awaiting.js'
import { runtimeRunners } from './effect-runners.js'
import { sendResume, sendSignal } from './signals.js'
import type { Signal } from '../commands/signal.js'
import { cancelTimers, type ProcessTimer } from './timers.js'

/** What `pause`/`kill` return: settled at once, or when the running step ends. */
export type ActionResult = Promise<boolean>

/** Bits of `ProcessHandle.flags`: four booleans in one field, since a process may live for days. */
const DRIVING = 1
const SCHEDULED = 2
const COMMIT_AWAITED = 4
const KEPT_JSON = 8
const EXECUTED = 16

/** A live process. `I` parsed inputs, `O` outputs, `Res` what `result()` gives. */
export class ProcessHandle<I = any, O = any, Res = unknown>
  extends ProcessReading<O, Res>
  implements ProcessView, StepContext, StepHost
{
  /** A generator step suspended inside itself, kept so that going on needs no replay. */
  live: LiveStep | undefined = undefined
  private flags = 0
  /** When the current run of steps should give the event loop a turn (unset: no `timeSliceMs`). */
  sliceEnd: number | undefined = undefined
  private stepViews: StepViews | undefined = undefined
  /** What most processes never need (listeners, pending actions, waiters…), made on first use. */
  private rare: Rare<ProcessHandle<I, O>> | undefined = undefined
  /** @internal The durable timers armed for it (a list through `ProcessTimer.nextOfProcess`). */
  timers: ProcessTimer | undefined = undefined
  /** Settles the promise `execute()` gave, until the process has ended. */
  private settleExecute: ((outcome: unknown) => void) | undefined = undefined

  constructor(
    readonly definition: ProcessDefinition<I, any, O>,
    snapshot: ProcessSnapshot,
    readonly inputs: I,
    readonly rawInputs: unknown,
    readonly host: ProcessHost,
    parentPid: string | undefined = undefined,
  ) {
    // The owner is the handle itself, which cannot be named before `super` returns.
    super(snapshot, runtimeRunners, undefined as unknown as ProcessHandle)
    this.ownedBySelf()
    // Fixed at creation: a host that checkpoints refuses data that is not JSON where it enters
    // (see json-guard.ts), but only from the time it does; a process older than that is walked.
    if (host.keepsJson === true) this.flags |= KEPT_JSON
    if (parentPid !== undefined) this.extras.parentPid = parentPid
  }

  /** Everything this process holds was checked to be JSON where it entered (see `bundle`). */
  get keptJson(): boolean {
    return (this.flags & KEPT_JSON) !== 0
  }

  /** True while this turn of the event loop runs the process's steps one after another. */
  get driving(): boolean {
    return (this.flags & DRIVING) !== 0
  }

  /** @internal A `strict` host's commit is awaited before the next step (`commit-gate.ts`). */
  get commitAwaited(): boolean {
    return (this.flags & COMMIT_AWAITED) !== 0
  }

  set commitAwaited(awaited: boolean) {
    this.setFlag(COMMIT_AWAITED, awaited)
  }

  private setFlag(flag: number, on: boolean): void {
    this.flags = on ? this.flags | flag : this.flags & ~flag
  }

  protected get originalError(): unknown {
    return this.rare?.originalError
  }

  /** The interpreter loop: the snapshot and its mailbox (this very object). */
  override get loop(): ProcessLoop<ProcessHandle> {
    return this as ProcessHandle
  }

  /** @internal What the runners keep for this process. */
  get extras(): Rare<ProcessHandle<I, O>> {
    return (this.rare ??= new Rare())
  }

  /** @internal The views its steps receive. */
  get views(): StepViews {
    return (this.stepViews ??= new StepViews(this.pid, this.definition.name, this.inputs))
  }

  /** The pid of the process that launched this one, if any. */
  get parentPid(): string | undefined {
    return this.rare?.parentPid
  }

  /** @internal What `awaitables` holds, if anything yet (reading it makes nothing). */
  get liveAwaitables(): LiveAwaitables | undefined {
    return this.rare?.awaited
  }

  /** Promises this process awaits, by the id its checkpoint knows them by. */
  get awaitables(): LiveAwaitables {
    return (this.extras.awaited ??= { promises: new Map(), retried: new Map() })
  }

  /** Resolves once RPC to the pid reaches the process (`processControl`); see the README. */
  get reachable(): Promise<void> {
    return this.host.reachable?.(this.pid) ?? Promise.resolve()
  }

  // -------------------------------------------------------------------------------------------
  // Running

  /**
   * Run to a terminal state and resolve to the outputs (or reject with the failure). A process
   * that has ended on its own (driven by `stepUntilTerminated`, a launcher, its parent) gives its
   * outcome; a second `execute()` of a process that a first one ran is a `ClosedError`.
   */
  execute(): Promise<O> {
    if ((this.flags & EXECUTED) !== 0)
      return Promise.reject(
        new ClosedError(`process ${this.pid} has already been executed: it ran once`),
      )
    this.flags |= EXECUTED
    this.stepOn()
    // Ended in this turn where an end needs no commit: its outcome is known, no callback needed.
    if (this.closed && endsAtOnce(this as ProcessHandle)) return settledWith(this.outcome())
    // Only the resolver is kept while the process runs (a process may sleep for days): it is
    // given the outputs, or a rejected promise of the failure.
    return new Promise<O>((resolve) => {
      if (this.closed) afterEndCommitted(this as ProcessHandle, () => resolve(this.outcome()))
      else this.settleExecute = resolve as (outcome: unknown) => void
    })
  }

  /** What `execute()` gives: the outputs, or a rejection (the failure, or `endNotCommitted`). */
  private outcome(): O | Promise<never> {
    const notCommitted = this.rare?.endNotCommitted
    if (notCommitted !== undefined) return Promise.reject(notCommitted)
    try {
      this.result()
      return this.loop.snapshot.outputs as O
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Start (or keep) stepping: steps run synchronously now, until the process waits, is paused or
   * terminates; the promise resolves when it terminates.
   */
  stepUntilTerminated(): Promise<void> {
    this.stepOn()
    return this.whenTerminated()
  }

  private stepOn(): void {
    if (this.loop.snapshot.state._tag === 'CREATED') this.driveWith(Events.start())
    else this.drive()
  }

  /** Resolves once terminated, closed and its end committed or known not to be (never rejects). */
  whenTerminated(): Promise<void> {
    if (this.closed)
      return new Promise((resolve) => afterEndCommitted(this as ProcessHandle, resolve))
    return (this.extras.terminated ??= deferred<void>()).promise
  }

  /** Call `callback` once the process has terminated (and, by durability, its end committed). */
  onTerminated(callback: () => void): void {
    if (this.closed) afterEndCommitted(this as ProcessHandle, callback)
    else (this.extras.terminationWaiters ??= []).push(callback)
  }

  /**
   * Why its end does not count as committed (strict, batched: its last checkpoint was refused).
   * It keeps the state it ended in, but reports this (`execute()`, to a parent, a worker answers).
   */
  get endNotCommitted(): CheckpointNotCommittedError | undefined {
    return this.rare?.endNotCommitted
  }

  private get closed(): boolean {
    const snapshot = this.loop.snapshot
    return snapshot.closed && isTerminal(snapshot.state)
  }

  /**
   * Perform the creation effects (onCreate, the `created` listener event, the first state
   * change), after the listeners given at creation were added.
   */
  announceCreation(effects: readonly Effect[]): void {
    this.loop.perform(effects)
  }

  /** After a restore: watch again what a WAITING process awaits. */
  reattach(): void {
    const state = this.loop.snapshot.state
    if (state._tag === 'WAITING')
      state.awaiting.forEach((pending, slot) => {
        if (!pending.done) watchAwaitable(this, slot, pending.ref)
      })
  }

  /** Start without stepping yet (the next turn of the loop takes the steps). */
  start(): void {
    if (this.loop.snapshot.state._tag === 'CREATED') this.loop.send(Events.start())
  }

  /**
   * @internal Drop what the process keeps only to go on faster, while it waits for long: its
   * step views and its suspended generator, unless that would be replayed from a journal longer
   * than `maxReplay` entries. Both are rebuilt when needed.
   */
  park(maxReplay: number): void {
    const state = this.loop.snapshot.state
    if (state._tag !== 'WAITING') return
    this.stepViews = undefined
    if ((state.position.journal?.entries.length ?? 0) <= maxReplay) this.live = undefined
  }

  /** Take the steps the process can take now, in this turn (up to the host's time slice). */
  drive(): void {
    if (waitsForCommit(this as ProcessHandle)) return
    this.driveWith(Events.stepStarted())
  }

  /** Send an event that lets the process step on in this turn (a settled awaitable, a start). */
  driveWith(event: Parameters<ProcessLoop['send']>[0]): void {
    if (this.loop.processing) {
      this.loop.send(event)
      return
    }
    const slice = this.host.timeSliceMs
    if (slice !== undefined) this.sliceEnd = this.host.time.now() + slice
    this.flags |= DRIVING
    try {
      this.loop.send(event)
    } finally {
      this.flags &= ~DRIVING
    }
  }

  /** Take the next steps on a later turn of the event loop. */
  driveLater(): void {
    if ((this.flags & SCHEDULED) !== 0) return
    this.flags |= SCHEDULED
    this.host.schedule(() => {
      this.flags &= ~SCHEDULED
      this.drive()
    })
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  /**
   * Resume with `value`: the signal without a name. A process waiting for a resume goes on with
   * it; one right after a resume takes this as the same request again (nothing changes); any
   * other live process keeps it in its inbox (one at most) until it waits for a resume. An
   * `InvalidResumeValueError` when the waiting step's codec refuses the value; a
   * `CheckpointError` ('not-json') when the runner checkpoints and the value is not JSON; an
   * `InvalidStateError` once the process has terminated. Nothing changes when it throws.
   */
  resume(value?: unknown): void {
    sendResume(this as ProcessHandle, value)
  }

  /**
   * Send a signal: a process waiting for it goes on with the payload; one not waiting for it yet
   * keeps it in its inbox until it does. An `InvalidSignalError` (with the dotted path) when the
   * codec refuses the payload; an `InvalidStateError` once the process has terminated. Nothing
   * changes when it throws.
   */
  signal<T>(signal: Signal<T>, payload: T): void {
    sendSignal(this as ProcessHandle, signal, payload)
  }

  /** Pause: at once when no step runs (true), after the running step otherwise; false once terminated. */
  pause(message?: string): ActionResult {
    return this.request(Events.pause(message), 'pause')
  }

  /** Unpause, or cancel a pause asked for during the running step. */
  play(): boolean {
    let played = true
    this.loop.ask(Events.play(), (answers) => {
      played = answers.some((a) => a._tag === 'Reply' && a.value)
    })
    return played
  }

  /**
   * Kill: at once when WAITING, paused or between steps; after the running step when graceful;
   * at once with `force`. True when the process is (or will be) KILLED.
   */
  kill(message?: string, options?: { readonly force?: boolean }): ActionResult {
    return this.request(Events.kill(message, options?.force ?? false), 'kill')
  }

  /** Set the free status text. */
  setStatus(status: string | undefined): void {
    this.loop.send(Events.setStatus(status))
  }

  addProcessListener(listener: ProcessListener<ProcessHandle<I, O, Res>>): void {
    ;(this.extras.listeners ??= new Set()).add(listener)
  }

  removeProcessListener(listener: ProcessListener<ProcessHandle<I, O, Res>>): void {
    this.rare?.listeners?.delete(listener)
  }

  private request(
    event: Parameters<ProcessLoop['send']>[0],
    action: 'pause' | 'kill',
  ): ActionResult {
    return new Promise<boolean>((resolve) => {
      this.loop.ask(event, (answers) => {
        for (const answer of answers) {
          if (answer._tag === 'Reply') return resolve(answer.value)
          if (answer._tag === 'Defer') return resolve(this.extras.defer(action))
        }
        resolve(false)
      })
    })
  }

  /** @internal The listeners, if any (reading them allocates nothing). */
  get listeners(): ReadonlySet<ProcessListener<ProcessHandle<I, O>>> | undefined {
    return this.rare?.listeners
  }

  /** @internal Settle the pauses or kills that waited for the running step to end. */
  settle(action: 'pause' | 'kill', value: boolean): void {
    settleAll(action === 'pause' ? this.rare?.pendingPauses : this.rare?.pendingKills, value)
  }

  /** @internal The process has closed: settle what waits on it, and let its host know. */
  closedNow(): void {
    const rare = this.rare
    settleAll(rare?.pendingPauses, false)
    settleAll(rare?.pendingKills, this.state === 'KILLED')
    cancelTimers(this as ProcessHandle)
    this.live = undefined
    this.stepViews = undefined // its steps are over: it need not keep what they were given
    this.host.terminated(this as ProcessHandle)
    const settleExecute = this.settleExecute
    this.settleExecute = undefined
    if (rare !== undefined || settleExecute !== undefined)
      afterEndCommitted(this as ProcessHandle, () => {
        rare?.releaseWaiters()
        settleExecute?.(this.outcome())
      })
  }

  /** @internal Start what a step awaits (see `StepHost`). */
  startAwaitables(entries: readonly ToContextEntry[]): readonly AwaitableRef[] {
    return startEntries(this as ProcessHandle, entries)
  }

  /** @internal The runner's clock (see `StepHost`). */
  now(): number {
    return this.host.time.now()
  }

  /** Record the original error (of a step, a hook or an awaitable), for `exception()`. */
  recordError(error: unknown): void {
    this.extras.originalError = error
  }
}
