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
import { executeStep, type LiveSlot } from '../process/execute.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { MutableStepApi } from '../process/step-api.js'
import { isTerminal, type StateName } from '../process/state.js'
import { transition } from '../process/transition.js'
import { deferred, type Deferred } from './deferred.js'
import { callListener, type ProcessListener } from './listener.js'
import type { ProcessHost } from './host.js'
import { startAwaitables, watchAwaitable, type LiveAwaitables } from './awaiting.js'

/** The options `pause`/`kill` return with: settled at once, or when the running step ends. */
export type ActionResult = Promise<boolean>

/** A live process. `I` parsed inputs, `O` outputs. */
export class ProcessHandle<I = any, O = any> implements ProcessView {
  private snap: ProcessSnapshot
  /** Made on the first step: a created process that never runs costs no step API. */
  private stepApi: MutableStepApi | undefined
  private readonly slot: LiveSlot = { live: undefined }
  private readonly queue: Effect[] = []
  private draining = false
  /** The index in `queue` of the effect being performed. */
  private performing = 0
  private runnable = false
  private inLoop = false
  private scheduled = false
  // Made on first use: most processes never get a listener, a pending action or a waiter, and
  // a created process should cost little (BENCH B5).
  private listeners: Set<ProcessListener<ProcessHandle<I, O>>> | undefined
  private pendingPauses: Deferred<boolean>[] | undefined
  private pendingKills: Deferred<boolean>[] | undefined
  private terminationWaiters: (() => void)[] | undefined
  private terminated: Deferred<void> | undefined
  private originalError: unknown = undefined
  /** Promises and children this process awaits, by slot. */
  private live: LiveAwaitables | undefined
  /** Promises this process awaits, by the id its checkpoint knows them by. */
  get awaitables(): LiveAwaitables {
    return (this.live ??= { promises: new Map() })
  }

  constructor(
    readonly definition: ProcessDefinition<I, any, O>,
    snapshot: ProcessSnapshot,
    readonly inputs: I,
    readonly rawInputs: unknown,
    readonly host: ProcessHost,
    readonly parentPid: string | undefined = undefined,
  ) {
    this.snap = snapshot
  }

  private get api(): MutableStepApi {
    return (this.stepApi ??= new MutableStepApi(
      this.snap.pid,
      this.definition.name,
      this.inputs,
      (port, value) => {
        const checked = this.definition.spec.outputs.checkOutput(port, value)
        return checked._tag === 'Right'
          ? checked.right
          : { error: checked.left.map((e) => `${e.path}: ${e.message}`).join('; ') }
      },
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
    return this.originalError instanceof Error ? this.originalError : new ProcessError(state.error)
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
    this.terminated ??= deferred<void>()
    return this.terminated.promise
  }

  /** Call `callback` once the process has terminated (synchronously if it has). */
  onTerminated(callback: () => void): void {
    if (this.hasTerminated() && this.snap.closed) callback()
    else (this.terminationWaiters ??= []).push(callback)
  }

  /**
   * Perform the creation effects (onCreate, the `created` listener event, the first state
   * change), after the listeners given at creation were added.
   */
  announceCreation(effects: readonly Effect[]): void {
    this.queue.push(...effects)
    this.drain()
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

  /** Resume a WAITING process with `value`; an `InvalidStateError` in any other state. */
  resume(value?: unknown): void {
    const replies = this.dispatch(Events.resume(value))
    for (const reply of replies)
      if (reply._tag === 'Reject') throw new InvalidStateError(reply.error.message)
  }

  /**
   * Pause: at once when no step runs (true), after the running step otherwise; false once
   * terminated.
   */
  pause(message?: string): ActionResult {
    return this.answer(this.dispatch(Events.pause(message)), (this.pendingPauses ??= []))
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
    return this.answer(replies, (this.pendingKills ??= []))
  }

  /** Set the free status text. */
  setStatus(status: string | undefined): void {
    this.dispatch(Events.setStatus(status))
  }

  addProcessListener(listener: ProcessListener<ProcessHandle<I, O>>): void {
    ;(this.listeners ??= new Set()).add(listener)
  }

  removeProcessListener(listener: ProcessListener<ProcessHandle<I, O>>): void {
    this.listeners?.delete(listener)
  }

  private answer(replies: readonly Effect[], pending: Deferred<boolean>[]): ActionResult {
    for (const reply of replies) {
      if (reply._tag === 'Reply') return Promise.resolve(reply.value)
      if (reply._tag === 'Defer') {
        const later = deferred<boolean>()
        pending.push(later)
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
    for (const effect of effects) {
      if (effect._tag === 'Reply' || effect._tag === 'Defer' || effect._tag === 'Reject')
        (replies ??= []).push(effect)
      else this.queue.push(effect)
    }
    this.drain()
    return replies ?? NO_REPLIES
  }

  /** Apply an event that arrives from outside the step loop, then keep stepping. */
  deliver(event: ProcessEvent): void {
    this.dispatch(event)
    this.runLoop()
  }

  private drain(): void {
    if (this.draining) return
    this.draining = true
    try {
      for (this.performing = 0; this.performing < this.queue.length; this.performing++)
        this.perform(this.queue[this.performing] as Effect)
    } finally {
      this.queue.length = 0
      this.draining = false
    }
  }

  private perform(effect: Effect): void {
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
          effect.action === 'pause' ? this.pendingPauses : this.pendingKills,
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
      this.originalError = error
      const queued = this.queue.length
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
    if (!this.queue.slice(end).some((effect) => effect._tag === 'Terminate')) return
    for (let i = end - 1; i > this.performing; i--)
      if (isClosing(this.queue[i] as Effect)) this.queue.splice(i, 1)
  }

  private notify(event: ListenerEvent): void {
    if (this.listeners === undefined || this.listeners.size === 0) return
    for (const listener of [...this.listeners]) {
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
    settleAll(this.pendingPauses, false)
    settleAll(this.pendingKills, this.snap.state._tag === 'KILLED')
    this.slot.live = undefined
    this.host.terminated(this)
    this.terminated?.resolve()
    for (const waiter of this.terminationWaiters?.splice(0) ?? []) waiter()
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
        if (performance.now() > until) {
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
    const execution = executeStep(this.definition, this.snap, this.api, this.slot)
    if (execution._tag === 'Failed') return this.stepFailed(execution.error)
    let outcome
    try {
      outcome = startAwaitables(this, execution.outcome)
    } catch (error) {
      return this.stepFailed(error)
    }
    this.dispatch(
      Events.stepCompleted(outcome, execution.ctx, execution.outputs, execution.emitted),
    )
    for (const tag of execution.checkpoints) this.host.saveCheckpoint(this, tag)
  }

  private stepFailed(error: unknown): void {
    this.originalError = error
    this.dispatch(Events.stepFailed(errorInfo(error)))
  }

  /** Record the original error of an awaitable that failed, for `exception()`. */
  recordError(error: unknown): void {
    this.originalError = error
  }
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
