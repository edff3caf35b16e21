/**
 * The process handle: the live side of one process. It holds the current snapshot, feeds events
 * to the pure `transition` and performs the effects it returns, runs steps through the step
 * executor, and offers the Promise API (`execute`, `pause`, `kill`, …).
 */
import type { ProcessDefinition, ProcessView } from '../process/definition.js'
import type { Effect, ListenerEvent } from '../process/effects.js'
import {
  ClosedError,
  InvalidStateError,
  KilledError,
  ProcessError,
  errorInfo,
  type ErrorInfo,
} from '../process/errors.js'
import { Events, type ProcessEvent } from '../process/events.js'
import { executeStep, type LiveSlot, type LiveStep } from '../process/execute.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { MutableStepApi } from '../process/step-api.js'
import { isTerminal, type StateName } from '../process/state.js'
import { transition } from '../process/transition.js'
import { deferred, type Deferred } from './deferred.js'
import { callListener, type ProcessListener } from './listener.js'
import type { ProcessHost } from './host.js'
import { startAwaitables, watchAwaitable, type LiveAwaitables } from './awaiting.js'
import { notJsonStep, notJsonValue } from './json-guard.js'

/** The options `pause`/`kill` return with: settled at once, or when the running step ends. */
export type ActionResult = Promise<boolean>

/** A live process. `I` parsed inputs, `O` outputs. */
export class ProcessHandle<I = any, O = any> implements ProcessView, LiveSlot {
  private snap: ProcessSnapshot
  /** Made on the first step: a created process that never runs costs no step API. */
  private stepApi: MutableStepApi | undefined = undefined
  /** A generator step suspended inside itself, kept so that resuming needs no replay. */
  live: LiveStep | undefined = undefined
  /**
   * The effects being performed in place (those of the outermost event), and the effects queued
   * behind them by events raised meanwhile (see `perform`).
   */
  private batch: readonly Effect[] | undefined = undefined
  private queue: Effect[] | undefined = undefined
  /** The index of the effect being performed, in `batch`, or in `queue` once it is drained. */
  private performing = 0
  private draining = false
  private runnable = false
  private inLoop = false
  private scheduled = false
  /** What most processes never need (listeners, pending actions, waiters…), made on first use. */
  private rare: Rare<I, O> | undefined = undefined

  /** Everything this process holds was checked to be JSON where it entered (see `bundle`). */
  readonly keptJson: boolean

  constructor(
    readonly definition: ProcessDefinition<I, any, O>,
    snapshot: ProcessSnapshot,
    readonly inputs: I,
    readonly rawInputs: unknown,
    readonly host: ProcessHost,
    parentPid: string | undefined = undefined,
  ) {
    this.snap = snapshot
    // Fixed at creation: a host that checkpoints refuses data that is not JSON where it enters
    // (see json-guard.ts), but only from the time it does; a process older than that is walked.
    this.keptJson = host.keepsJson === true
    if (parentPid !== undefined) this.extras.parentPid = parentPid
  }

  private get extras(): Rare<I, O> {
    return (this.rare ??= new Rare())
  }

  /** The pid of the process that launched this one, if any. */
  get parentPid(): string | undefined {
    return this.rare?.parentPid
  }

  /** Promises this process awaits, by the id its checkpoint knows them by. */
  get awaitables(): LiveAwaitables {
    return (this.extras.awaited ??= { promises: new Map() })
  }

  private get api(): MutableStepApi {
    return (this.stepApi ??= new MutableStepApi(
      this.snap.pid,
      this.definition.name,
      this.inputs,
      this.definition.spec.outputs,
      this,
    ))
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  get pid(): string {
    return this.snap.pid
  }

  /** The definition's name (plumpy's `get_name()`). */
  get name(): string {
    return this.definition.name
  }

  /** The current snapshot (immutable data). */
  get snapshot(): ProcessSnapshot {
    return this.snap
  }

  get state(): StateName {
    return this.snap.state._tag
  }

  get status(): string | undefined {
    return this.snap.status
  }

  get paused(): boolean {
    return this.snap.paused
  }

  get ctx(): unknown {
    return this.snap.ctx
  }

  get outputs(): Readonly<Partial<O>> {
    return this.snap.outputs as Partial<O>
  }

  /** True once FINISHED, EXCEPTED or KILLED. */
  hasTerminated(): boolean {
    return isTerminal(this.snap.state)
  }

  /** False unless FINISHED successfully. */
  get isSuccessful(): boolean {
    return this.snap.state._tag === 'FINISHED' && this.snap.state.successful
  }

  /** Whether the process finished successfully; an error before it has terminated. */
  successful(): boolean {
    if (!this.hasTerminated())
      throw new InvalidStateError(`process ${this.pid} has not terminated (it is ${this.state})`)
    return this.isSuccessful
  }

  /** The exit status of a FINISHED process (0 unless an exit code was returned). */
  get exitStatus(): number | undefined {
    return this.snap.state._tag === 'FINISHED' ? this.snap.state.exitStatus : undefined
  }

  get exitMessage(): string | undefined {
    return this.snap.state._tag === 'FINISHED' ? this.snap.state.exitMessage : undefined
  }

  /**
   * The body's return value. Throws `KilledError` for a killed process, the original error for an
   * excepted one, and `InvalidStateError` before the process has terminated.
   */
  result(): unknown {
    const state = this.snap.state
    switch (state._tag) {
      case 'FINISHED':
        return state.result
      case 'KILLED':
        throw new KilledError(state.message)
      case 'EXCEPTED':
        throw this.exception()
      default:
        throw new InvalidStateError(`process ${this.pid} has no result yet (it is ${state._tag})`)
    }
  }

  /** The error of an EXCEPTED process (the original one when it happened here). */
  exception(): Error | undefined {
    const state = this.snap.state
    if (state._tag !== 'EXCEPTED') return undefined
    const original = this.rare?.originalError
    return original instanceof Error ? original : new ProcessError(state.error)
  }

  /** Why the process did not finish: `KilledError` when KILLED, the error when EXCEPTED. */
  failure(): Error | undefined {
    const state = this.snap.state
    return state._tag === 'KILLED' ? new KilledError(state.message) : this.exception()
  }

  // -------------------------------------------------------------------------------------------
  // Running

  /** Run to a terminal state and resolve to the outputs (or reject with the failure). */
  async execute(): Promise<O> {
    if (this.hasTerminated()) throw new ClosedError(`process ${this.pid} has already terminated`)
    await this.stepUntilTerminated()
    this.result()
    return this.snap.outputs as O
  }

  /**
   * Start (or keep) stepping: steps run synchronously now, until the process waits, is paused or
   * terminates; the promise resolves when it terminates.
   */
  stepUntilTerminated(): Promise<void> {
    if (this.snap.state._tag === 'CREATED') this.startNow()
    else this.runLoop()
    return this.whenTerminated()
  }

  /** Resolves when the process has terminated (never rejects). */
  whenTerminated(): Promise<void> {
    if (this.hasTerminated() && this.snap.closed) return Promise.resolve()
    return (this.extras.terminated ??= deferred<void>()).promise
  }

  /** Call `callback` once the process has terminated (synchronously if it has). */
  onTerminated(callback: () => void): void {
    if (this.hasTerminated() && this.snap.closed) callback()
    else (this.extras.terminationWaiters ??= []).push(callback)
  }

  /**
   * Perform the creation effects (onCreate, the `created` listener event, the first state
   * change), after the listeners given at creation were added.
   */
  announceCreation(effects: readonly Effect[]): void {
    this.perform(effects)
  }

  /**
   * After a restore: watch again what a WAITING process awaits, and let a RUNNING one step when
   * it is next stepped.
   */
  reattach(): void {
    if (this.snap.stepping) this.snap = { ...this.snap, stepping: false }
    const state = this.snap.state
    if (state._tag === 'WAITING')
      state.awaiting.forEach((pending, slot) => {
        if (!pending.done) watchAwaitable(this, slot, pending.ref)
      })
    if (state._tag === 'RUNNING' && !this.snap.paused) this.runnable = true
  }

  /** Start without stepping yet (the runner schedules the steps). */
  start(): void {
    if (this.snap.state._tag === 'CREATED') {
      this.inLoop = true
      try {
        this.dispatch(Events.start())
      } finally {
        this.inLoop = false
      }
      this.kick()
    }
  }

  private startNow(): void {
    this.inLoop = true
    try {
      this.dispatch(Events.start())
    } finally {
      this.inLoop = false
    }
    this.runLoop()
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  /**
   * Resume a WAITING process with `value`; an `InvalidStateError` in any other state, and a
   * `CheckpointError` ('not-json') when the runner checkpoints and the value is not JSON.
   */
  resume(value?: unknown): void {
    if (this.host.keepsJson === true) {
      const notJson = notJsonValue(this.pid, value, 'the resume value', this.host.checkpointLimits)
      if (notJson !== undefined) throw notJson
    }
    const replies = this.dispatch(Events.resume(value))
    for (const reply of replies)
      if (reply._tag === 'Reject') throw new InvalidStateError(reply.error.message)
  }

  /**
   * Pause: at once when no step runs (true), after the running step otherwise; false once
   * terminated.
   */
  pause(message?: string): ActionResult {
    return this.answer(this.dispatch(Events.pause(message)), 'pause')
  }

  /** Unpause, or cancel a pause asked for during the running step. */
  play(): boolean {
    const replies = this.dispatch(Events.play())
    return replies.some((r) => r._tag === 'Reply' && r.value)
  }

  /**
   * Kill: at once when WAITING, paused or between steps; after the running step when graceful;
   * at once with `force`. True when the process is (or will be) KILLED.
   */
  kill(message?: string, options?: { readonly force?: boolean }): ActionResult {
    const replies = this.dispatch(Events.kill(message, options?.force ?? false))
    return this.answer(replies, 'kill')
  }

  /** Set the free status text. */
  setStatus(status: string | undefined): void {
    this.dispatch(Events.setStatus(status))
  }

  addProcessListener(listener: ProcessListener<ProcessHandle<I, O>>): void {
    ;(this.extras.listeners ??= new Set()).add(listener)
  }

  removeProcessListener(listener: ProcessListener<ProcessHandle<I, O>>): void {
    this.rare?.listeners?.delete(listener)
  }

  private answer(replies: readonly Effect[], action: 'pause' | 'kill'): ActionResult {
    for (const reply of replies) {
      if (reply._tag === 'Reply') return Promise.resolve(reply.value)
      if (reply._tag === 'Defer') {
        const later = deferred<boolean>()
        const extras = this.extras
        if (action === 'pause') (extras.pendingPauses ??= []).push(later)
        else (extras.pendingKills ??= []).push(later)
        return later.promise
      }
    }
    return Promise.resolve(false)
  }

  // -------------------------------------------------------------------------------------------
  // The machine

  /**
   * Apply an event now and perform its effects in order. Effects that answer the caller (replies,
   * deferrals, rejections) are returned instead. Events raised while effects are being performed
   * are applied at once; their effects run after the ones already queued.
   */
  dispatch(event: ProcessEvent): readonly Effect[] {
    const [next, effects] = transition(this.snap, event)
    this.snap = next
    // A step that killed its process by force sees it KILLED for the rest of the step.
    if (this.stepApi?.record !== undefined) this.stepApi.state = next.state._tag
    let replies: Effect[] | undefined
    // An indexed loop: `for … of` here allocated an iterator result per effect (measured).
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i] as Effect
      if (effect._tag === 'Reply' || effect._tag === 'Defer' || effect._tag === 'Reject')
        (replies ??= []).push(effect)
    }
    this.perform(effects)
    return replies ?? NO_REPLIES
  }

  /** Apply an event that arrives from outside the step loop, then keep stepping. */
  deliver(event: ProcessEvent): void {
    this.dispatch(event)
    this.runLoop()
  }

  /**
   * Perform effects in order. The effects of the outermost event are performed where they are,
   * without a copy (most events raise no other); an event raised while they are being performed
   * first moves the rest of them to the queue, then queues its own behind them.
   */
  private perform(effects: readonly Effect[]): void {
    if (effects.length === 0) return
    if (this.draining) {
      this.spill().push(...effects)
      return
    }
    this.draining = true
    try {
      this.batch = effects
      for (this.performing = 0; this.performing < effects.length; this.performing++) {
        this.performOne(effects[this.performing] as Effect)
        if (this.batch === undefined) break
      }
      this.batch = undefined
      const queue = this.queue
      if (queue !== undefined)
        for (this.performing = 0; this.performing < queue.length; this.performing++)
          this.performOne(queue[this.performing] as Effect)
    } finally {
      this.batch = undefined
      this.queue = undefined
      this.draining = false
    }
  }

  /**
   * The queue, with the rest of the batch being performed in place moved to its front. The
   * effect being performed is then in neither: `performing` says -1.
   */
  private spill(): Effect[] {
    const batch = this.batch
    if (batch === undefined) return (this.queue ??= [])
    this.batch = undefined
    this.queue = batch.slice(this.performing + 1)
    this.performing = -1
    return this.queue
  }

  private performOne(effect: Effect): void {
    switch (effect._tag) {
      case 'Hook':
        return this.callHook(effect.hook, effect.args)
      case 'Notify':
        if (effect.event._tag === 'paused' || effect.event._tag === 'played')
          this.host.pausedChanged(this)
        return this.notify(effect.event)
      case 'StateChanged':
        return this.host.stateChanged(this, effect.from, effect.to)
      case 'RunStep':
        this.runnable = true
        return this.kick()
      case 'Await':
        return watchAwaitable(this, effect.slot, effect.ref)
      case 'KillChildren':
        if (this.definition.killChildren)
          for (const pid of effect.pids) void this.host.get(pid)?.kill(effect.message)
        return
      case 'Settle':
        return settleAll(
          effect.action === 'pause' ? this.rare?.pendingPauses : this.rare?.pendingKills,
          effect.value,
        )
      case 'Terminate':
        return this.close()
      case 'Log':
        return this.host.logger[effect.level](
          `${this.definition.name} ${this.pid}: ${effect.message}`,
        )
      case 'Reply':
      case 'Defer':
      case 'Reject':
        return
      default:
        return absurd(effect)
    }
  }

  private callHook(name: keyof ProcessHandle['definition']['hooks'], args: readonly unknown[]) {
    const hook = this.definition.hooks[name]
    if (hook === undefined) return
    try {
      hook(this, ...args)
    } catch (error) {
      this.recordError(error)
      const queued = this.spill().length
      this.dispatch(Events.fail(errorInfo(error)))
      this.dropSupersededClosing(queued)
    }
  }

  /**
   * A failing hook of a terminal move (onFinish, onKilled…) turns the process EXCEPTED, and that
   * move closes the process. The closing still queued for the interrupted move (before `end`)
   * is dropped, so that onClose, onTerminated and the runner's `terminated` happen once.
   */
  private dropSupersededClosing(end: number): void {
    const queue = this.spill()
    if (!queue.slice(end).some((effect) => effect._tag === 'Terminate')) return
    for (let i = end - 1; i > this.performing; i--)
      if (isClosing(queue[i] as Effect)) queue.splice(i, 1)
  }

  private notify(event: ListenerEvent): void {
    const listeners = this.rare?.listeners
    if (listeners === undefined || listeners.size === 0) return
    for (const listener of [...listeners]) {
      try {
        callListener(listener, this, event)
      } catch (error) {
        this.host.logger.warn(
          `listener of ${this.definition.name} ${this.pid} threw: ${errorInfo(error).message}`,
        )
      }
    }
  }

  private close(): void {
    this.dispatch(Events.close())
    const rare = this.rare
    settleAll(rare?.pendingPauses, false)
    settleAll(rare?.pendingKills, this.snap.state._tag === 'KILLED')
    this.live = undefined
    this.host.terminated(this)
    rare?.terminated?.resolve()
    const waiters = rare?.terminationWaiters
    if (waiters !== undefined) for (const waiter of waiters.splice(0)) waiter()
  }

  // -------------------------------------------------------------------------------------------
  // Stepping

  private kick(): void {
    if (this.inLoop || this.scheduled) return
    this.scheduled = true
    this.host.schedule(() => {
      this.scheduled = false
      this.runLoop()
    })
  }

  private runLoop(): void {
    if (this.inLoop || this.draining) return this.kick()
    this.inLoop = true
    const slice = this.host.timeSliceMs
    const until = slice === undefined ? Infinity : performance.now() + slice
    let yielded = false
    try {
      while (this.runnable) {
        if (slice !== undefined && performance.now() > until) {
          yielded = true
          break
        }
        this.runnable = false
        const s = this.snap
        if (s.state._tag === 'RUNNING' && !s.paused && !s.stepping && !s.closed) this.step()
      }
    } finally {
      this.inLoop = false
    }
    // A host with a time slice (a worker) lets the loop turn between long runs of steps, so
    // that heartbeats and RPCs are served; the next step runs on the next turn.
    if (yielded) this.kick()
  }

  private step(): void {
    this.dispatch(Events.stepStarted())
    const execution = executeStep(this.definition, this.snap, this.api, this)
    if (execution._tag === 'Failed') return this.stepFailed(execution.error)
    if (this.host.keepsJson === true || execution.checkpoints.length > 0) {
      const notJson = notJsonStep(this.pid, execution, this.host.checkpointLimits)
      if (notJson !== undefined) return this.stepFailed(notJson)
    }
    let outcome
    try {
      outcome = startAwaitables(this, execution.outcome)
    } catch (error) {
      return this.stepFailed(error)
    }
    this.dispatch(
      Events.stepCompleted(outcome, execution.ctx, execution.outputs, execution.emitted),
    )
    const tags = execution.checkpoints
    for (let i = 0; i < tags.length; i++) this.host.saveCheckpoint(this, tags[i])
  }

  private stepFailed(error: unknown): void {
    this.recordError(error)
    this.dispatch(Events.stepFailed(errorInfo(error)))
  }

  /** Record the original error (of a step, a hook or an awaitable), for `exception()`. */
  recordError(error: unknown): void {
    this.extras.originalError = error
  }
}

/** The parts of a handle that most processes never use, kept apart so that they cost nothing. */
class Rare<I, O> {
  parentPid: string | undefined = undefined
  listeners: Set<ProcessListener<ProcessHandle<I, O>>> | undefined = undefined
  pendingPauses: Deferred<boolean>[] | undefined = undefined
  pendingKills: Deferred<boolean>[] | undefined = undefined
  terminationWaiters: (() => void)[] | undefined = undefined
  terminated: Deferred<void> | undefined = undefined
  originalError: unknown = undefined
  /** Promises and children this process awaits. */
  awaited: LiveAwaitables | undefined = undefined
}

const NO_REPLIES: readonly Effect[] = Object.freeze([])

const isClosing = (effect: Effect): boolean =>
  effect._tag === 'Terminate' ||
  (effect._tag === 'Hook' && (effect.hook === 'onClose' || effect.hook === 'onTerminated'))

const settleAll = (pending: Deferred<boolean>[] | undefined, value: boolean): void => {
  for (const d of pending?.splice(0) ?? []) d.resolve(value)
}

const absurd = (value: never): never => {
  throw new Error(`unexpected ${JSON.stringify(value)}`)
}

export type { ErrorInfo }
