/**
 * The runner: creates and hosts processes on the Node event loop. Several processes interleave
 * only where they wait; children launched from steps run on the same runner. Persistence and
 * communications plug in through `RunnerPlugin`s.
 */
import { initialContext } from '../step/context.js'
import type { AnyDefinition, ProcessDefinition } from '../process/definition.js'
import { createdSnapshot, type ProcessSnapshot } from '../process/snapshot.js'
import type { StateName } from '../process/state.js'
import { creationEffects } from '../process/transition.js'
import {
  consoleLogger,
  immediateScheduler,
  systemClock,
  uuidIds,
  type Clock,
  type IdSource,
  type Logger,
  type Scheduler,
  type TimeSource,
} from './environment.js'
import { systemTime } from './system-timers.js'
import { DueTimers } from './due-timers.js'
import type { ProcessTimer } from './timers.js'
import { bundle } from '../checkpoint/bundle.js'
import { checkpointLimits, type CheckpointLimits } from '../checkpoint/limits.js'
import type { Persister } from '../persistence/persister.js'
import { FencedOutError } from '../persistence/fence.js'
import { checkpointing, type Checkpointing } from './checkpointing.js'
import { checkpointNotCommitted, checkpointRefused } from './commit-gate.js'
import type { Durability } from './durability.js'
import { InvalidInputsError } from './errors.js'
import { keptRawInputs } from './kept-inputs.js'
import { notJsonValue } from './json-guard.js'
import { validPid } from './pid.js'
import { ProcessHandle } from './handle.js'
import type { ProcessHost, StepObserver, StepRun } from './host.js'
import type { ProcessListener } from './listener.js'

/** Something that follows the processes of a runner (a persister, a communicator…). */
export interface RunnerPlugin {
  created?(process: ProcessHandle): void
  stateChanged?(process: ProcessHandle, from: StateName | null, to: StateName): void
  terminated?(process: ProcessHandle): void
  /** The process was paused or played. */
  pausedChanged?(process: ProcessHandle): void
  /** A signal no wait names yet was kept in the inbox of the process (nothing else changed). */
  signalKept?(process: ProcessHandle): void
  /**
   * A step ran (see `StepRun`), before its transition applies: the `stateChanged` that follows
   * for this process is that step's. Steps are timed only when some plugin has this.
   */
  stepRan?(process: ProcessHandle, run: StepRun): void
  /**
   * Set by plugins that checkpoint: the runner then refuses data that is not JSON where it
   * enters (inputs, step results, awaited values), naming its path, rather than let a checkpoint
   * change it or fail to save.
   */
  readonly takesCheckpoints?: boolean
  /**
   * Set by plugins that expose processes elsewhere (on a communicator): resolves once the
   * process with this pid can be reached there. `runner.reachable(pid)` waits for every plugin.
   */
  reachable?(pid: string): Promise<void>
  /**
   * Set by plugins that checkpoint: resolves once the checkpoints of `pid` handed to the store
   * so far are committed, or undefined when none is in flight (see `durability`). A rejection
   * says they will not be: a strict process fails before its next step, and an end waited for
   * is not committed (`CheckpointNotCommittedError`).
   */
  committing?(pid: string): Promise<void> | undefined
}

/** Runner settings; every port has a default. */
export interface RunnerOptions {
  readonly ids?: IdSource
  /**
   * Where time comes from: a clock function (the runner then arms its timers on the event loop,
   * read against it), or a clock with timers such as a `TestClock`.
   */
  readonly clock?: Clock | TimeSource
  readonly scheduler?: Scheduler
  readonly logger?: Logger
  readonly plugins?: readonly RunnerPlugin[]
  /** Where checkpoints go: those steps ask for, and every transition's with `checkpoints`. */
  readonly persister?: Persister
  /**
   * Let the event loop turn after this many milliseconds of uninterrupted steps (for workers,
   * whose heartbeats and RPCs must flow). Unset: steps never yield the loop by themselves.
   */
  readonly timeSliceMs?: number
  /** `'every-transition'`: checkpoint each process at each state change (needs `persister`). */
  readonly checkpoints?: 'every-transition' | 'on-request'
  /**
   * How far processes may run ahead of the commits of their checkpoints, and so what a crash can
   * lose (see `Durability`). Default `async`.
   */
  readonly durability?: Durability
  /**
   * How deep and long each value a checkpointed process keeps may be; the defaults
   * (`DEFAULT_CHECKPOINT_LIMITS`: 256 levels, 16 Mi characters) for those left out.
   */
  readonly checkpointLimits?: Partial<CheckpointLimits>
}

/** Options of one process creation. */
export interface CreateOptions<P = ProcessHandle> {
  /** Use this pid instead of a fresh one (an `InvalidPidError` unless it fits `pidProblem`). */
  readonly pid?: string
  /** Listeners added before the process is announced, so they hear `created`. */
  readonly listeners?: readonly ProcessListener<P>[]
  readonly status?: string
  readonly parentPid?: string
}

/** Runs processes. */
export class Runner implements ProcessHost {
  readonly logger: Logger
  readonly schedule: Scheduler
  readonly clock: Clock
  /** The clock and its timers, through which durable timers are armed. */
  readonly time: TimeSource
  /** Its processes' durable timers: one queue, one timer of `time` for the earliest. */
  readonly timers: DueTimers<ProcessTimer>
  readonly timeSliceMs: number | undefined
  readonly persister: Persister | undefined
  /** How deep and long what its processes keep may be, when it checkpoints them. */
  readonly checkpointLimits: CheckpointLimits
  readonly durability: Durability
  /** True once a plugin takes checkpoints (see `RunnerPlugin.takesCheckpoints`). */
  get keepsJson(): boolean {
    return this.checkpointed
  }
  private checkpointed = false
  /** Set once a plugin wants to hear of steps (see `RunnerPlugin.stepRan`). */
  stepObserver: StepObserver | undefined = undefined
  private readonly ids: IdSource
  private readonly plugins: RunnerPlugin[]
  private readonly automatic: Checkpointing | undefined
  /** The last checkpoint each process asked for, while it is written. */
  private readonly requested = new Map<string, Promise<void>>()
  /** The plugins that say when their checkpoints are committed. */
  private readonly committers: RunnerPlugin[] = []
  private readonly live = new Map<string, ProcessHandle>()
  /** Terminated processes restored from checkpoints, kept so that a reloaded parent finds them. */
  private readonly restoredTerminal = new Map<string, ProcessHandle>()

  constructor(options: RunnerOptions = {}) {
    this.ids = options.ids ?? uuidIds
    const clock = options.clock ?? systemClock
    this.time = typeof clock === 'function' ? systemTime(clock) : clock
    this.clock = typeof clock === 'function' ? clock : () => this.time.now()
    this.timers = new DueTimers(this.time)
    this.schedule = options.scheduler ?? immediateScheduler
    this.logger = options.logger ?? consoleLogger
    this.plugins = [...(options.plugins ?? [])]
    this.persister = options.persister
    this.timeSliceMs = options.timeSliceMs
    this.checkpointLimits = checkpointLimits(options.checkpointLimits)
    this.durability = options.durability ?? 'async'
    if (options.checkpoints === 'every-transition') {
      if (this.persister === undefined)
        throw new Error("checkpoints: 'every-transition' needs a persister")
      // Strict and batched merge a process's saves that wait for the store: only the last counts.
      this.automatic = checkpointing(this.persister, { merge: this.durability !== 'async' })
      this.plugins.unshift(this.automatic)
    }
    this.checkpointed = this.plugins.some((p) => p.takesCheckpoints === true)
    this.committers.push(...this.plugins.filter((p) => p.committing !== undefined))
    this.observeSteps()
  }

  /** Follow this runner's processes from now on. */
  use(plugin: RunnerPlugin): void {
    this.plugins.push(plugin)
    if (plugin.takesCheckpoints === true) this.checkpointed = true
    if (plugin.committing !== undefined) this.committers.push(plugin)
    this.observeSteps()
  }

  /**
   * Settles once every checkpoint of `pid` handed over so far (by its steps and by every plugin)
   * is committed; rejects, once all have settled, if a plugin's commit failed. Undefined when
   * none is in flight.
   */
  committing(pid: string): Promise<void> | undefined {
    let first = this.requested.get(pid)
    let more: Promise<void>[] | undefined
    for (const plugin of this.committers) {
      const pending = plugin.committing?.(pid)
      if (pending === undefined) continue
      if (first === undefined) first = pending
      else (more ??= [first]).push(pending)
    }
    return more === undefined ? first : allCommitted(more)
  }

  private observeSteps(): void {
    const observers = this.plugins.filter((plugin) => plugin.stepRan !== undefined)
    if (observers.length === 0) return
    this.stepObserver = (process, run) => {
      for (const observer of observers) {
        try {
          observer.stepRan?.(process, run)
        } catch (error) {
          this.logger.error(`plugin failed on ${process.pid} step ${run.step}: ${String(error)}`)
        }
      }
    }
  }

  /**
   * Create a process: parse and validate the inputs (an `InvalidInputsError` listing every bad
   * path, and nothing created, when they are wrong), then announce it in CREATED.
   */
  create<I, R, O, Res = unknown>(
    definition: ProcessDefinition<I, R, O, any, any, Res>,
    rawInputs: R | undefined = undefined,
    options: CreateOptions<ProcessHandle<I, O, Res>> = {},
  ): ProcessHandle<I, O, Res> {
    const raw = rawInputs ?? {}
    const parsed = definition.spec.inputs.parse(raw)
    if (parsed._tag === 'Left') throw new InvalidInputsError(definition.name, parsed.left)
    const inputs = parsed.right as I
    const pid =
      options.pid === undefined ? this.ids() : validPid(options.pid, `create(${definition.name})`)
    const ctx = initialContext(definition.context(inputs))
    if (this.keepsJson) {
      // Checkpoints keep the inputs in their wire form (see `bundle`): that form must be JSON.
      const wire = definition.spec.inputs.encode(inputs)
      const limits = this.checkpointLimits
      const notJson =
        notJsonValue(pid, wire, 'inputs', limits) ??
        notJsonValue(pid, raw, 'rawInputs', limits) ??
        notJsonValue(pid, ctx, 'ctx', limits)
      if (notJson !== undefined) throw notJson
    }
    const snapshot = createdSnapshot(pid, definition.body.initial, ctx, options.status)
    const handle = new ProcessHandle<I, O, Res>(
      definition,
      snapshot,
      inputs,
      keptRawInputs(raw, inputs),
      this,
      options.parentPid,
    )
    for (const listener of options.listeners ?? []) handle.addProcessListener(listener)
    // A hook that throws here fails the creation, as invalid inputs do: nothing is created.
    definition.hooks.onCreate?.(handle)
    this.live.set(pid, handle as ProcessHandle)
    for (const plugin of this.plugins) plugin.created?.(handle as ProcessHandle)
    handle.announceCreation(creationEffects())
    return handle
  }

  /**
   * Host a process rebuilt from a snapshot (a checkpoint). Nothing runs until it is stepped or
   * continued; a RUNNING one is scheduled by `continueProcess`.
   */
  restore<I, O>(
    definition: ProcessDefinition<I, any, O>,
    snapshot: ProcessSnapshot,
    inputs: I,
    rawInputs: unknown,
    parentPid?: string,
  ): ProcessHandle<I, O> {
    const handle = new ProcessHandle<I, O>(definition, snapshot, inputs, rawInputs, this, parentPid)
    if (handle.hasTerminated()) {
      this.restoredTerminal.set(snapshot.pid, handle as ProcessHandle)
      return handle
    }
    this.live.set(snapshot.pid, handle as ProcessHandle)
    for (const plugin of this.plugins) plugin.created?.(handle as ProcessHandle)
    handle.reattach()
    return handle
  }

  /** A live (not yet terminated) process of this runner. */
  get(pid: string): ProcessHandle | undefined {
    return this.live.get(pid) ?? this.restoredTerminal.get(pid)
  }

  /** The live processes. */
  list(): ProcessHandle[] {
    return [...this.live.values()]
  }

  newId(): string {
    return this.ids()
  }

  launchChild(definition: AnyDefinition, inputs: unknown, parent: ProcessHandle): ProcessHandle {
    const child = this.create(definition, inputs, { parentPid: parent.pid })
    this.schedule(() => void child.stepUntilTerminated())
    return child
  }

  /**
   * Save the checkpoint a step asked for. A strict process waits for its commit before its next
   * step (`committing`), and one the store refuses fails it there, as a refused automatic
   * checkpoint does (`checkpointNotCommitted`); other modes log the failure and run on. A save
   * refused by a worker's fence changes nothing here: that worker stops.
   */
  saveCheckpoint(process: ProcessHandle, tag: string | undefined): void {
    if (this.persister === undefined) {
      this.logger.warn(`${process.pid} asked for a checkpoint, but the runner has no persister`)
      return
    }
    const pid = process.pid
    const earlier = this.requested.get(pid)
    const data = bundle(process)
    const write = this.persister.saveCheckpoint(data, tag).catch((error: unknown) => {
      this.logger.error(`checkpoint of ${pid} failed: ${String(error)}`)
      if (error instanceof FencedOutError) checkpointRefused(process, error)
      else checkpointNotCommitted(process, error, data)
    })
    const chained =
      earlier === undefined ? write : Promise.all([earlier, write]).then(() => undefined)
    this.requested.set(pid, chained)
    void chained.then(() => {
      if (this.requested.get(pid) === chained) this.requested.delete(pid)
    })
  }

  /**
   * Resolves once every plugin that exposes processes (see `RunnerPlugin.reachable`) can reach
   * the process with this pid: a launcher answers a nowait launch only then.
   */
  async reachable(pid: string): Promise<void> {
    for (const plugin of this.plugins) await plugin.reachable?.(pid)
  }

  /** Resolves when every checkpoint started so far has been written. */
  async flush(): Promise<void> {
    await this.automatic?.flush()
    while (this.requested.size > 0) await Promise.all([...this.requested.values()])
  }

  /** Call `hook` of every plugin that has it; one that throws is logged, the others still run. */
  private tellPlugins(
    hook: 'pausedChanged' | 'signalKept' | 'terminated',
    process: ProcessHandle,
    what: string,
  ): void {
    const plugins = this.plugins
    for (let i = 0; i < plugins.length; i++) {
      try {
        ;(plugins[i] as RunnerPlugin)[hook]?.(process)
      } catch (error) {
        this.logger.error(`plugin failed on ${process.pid} ${what}: ${String(error)}`)
      }
    }
  }

  stateChanged(process: ProcessHandle, from: StateName | null, to: StateName): void {
    const plugins = this.plugins
    for (let i = 0; i < plugins.length; i++) {
      try {
        ;(plugins[i] as RunnerPlugin).stateChanged?.(process, from, to)
      } catch (error) {
        this.logger.error(`plugin failed on ${process.pid} ${from} -> ${to}: ${String(error)}`)
      }
    }
  }

  pausedChanged(process: ProcessHandle): void {
    this.tellPlugins('pausedChanged', process, 'pause/play')
  }

  signalKept(process: ProcessHandle): void {
    this.tellPlugins('signalKept', process, 'signal kept')
  }

  terminated(process: ProcessHandle): void {
    this.live.delete(process.pid)
    this.tellPlugins('terminated', process, 'termination')
  }
}

/**
 * Settles once every one of `commits` has, and rejects with the first failure if any failed: not
 * at that failure (as `Promise.all` would), since a process then reported as not committed must
 * not still have writes on their way.
 */
const allCommitted = async (commits: readonly Promise<void>[]): Promise<void> => {
  const settled = await Promise.allSettled(commits)
  for (const result of settled) if (result.status === 'rejected') throw result.reason
}

let shared: Runner | undefined

/**
 * The runner `create` uses when none is given: made on first use, with the default ports.
 * Programs that want their own ports pass a runner explicitly.
 */
export const defaultRunner = (): Runner => (shared ??= new Runner())
