/**
 * What a process handle needs from the runner that hosts it. Kept as an interface so that the
 * handle does not depend on the runner's other concerns (persistence, communications).
 */
import type { CheckpointLimits } from '../checkpoint/limits.js'
import type { AnyDefinition } from '../process/definition.js'
import type { StateName } from '../process/state.js'
import type { Durability } from './durability.js'
import type { Logger, Scheduler, TimeSource } from './environment.js'
import type { ProcessHandle } from './handle.js'
import type { DueTimers } from './due-timers.js'
import type { ProcessTimer } from './timers.js'

/** The runner as its processes see it. */
export interface ProcessHost {
  readonly logger: Logger
  readonly schedule: Scheduler
  /** The runner's clock and timers: the only source of time its processes see. */
  readonly time: TimeSource
  /** Its processes' durable timers, in one queue armed through `time`. */
  readonly timers: DueTimers<ProcessTimer>
  /**
   * When set, a process that has stepped for this long without waiting gives the event loop a
   * turn before its next step. Unset (the default), steps never yield the loop by themselves.
   */
  readonly timeSliceMs?: number | undefined
  /**
   * True when the host checkpoints its processes: what a step leaves behind (and what is handed
   * to a process) must then be JSON, and is checked before it is applied.
   */
  readonly keepsJson?: boolean
  /** How far processes may run ahead of their checkpoints' commits (unset: `async`). */
  readonly durability?: Durability
  /**
   * Resolves once every checkpoint of `pid` saved so far is committed, rejects if one will not
   * be; undefined when none is in flight (a step of a `strict` host waits for it, and the end of
   * a process on a `strict` or `batched` one: see `durability.ts`, `commit-gate.ts`).
   */
  committing?(pid: string): Promise<void> | undefined
  /** How deep and long what a checkpointed process keeps may be (the defaults when unset). */
  readonly checkpointLimits?: CheckpointLimits
  /** A fresh id for a registered promise or a child. */
  newId(): string
  /** A live process on this runner. */
  get(pid: string): ProcessHandle | undefined
  /** Create a child of `parent` and schedule its start; throws on invalid inputs. */
  launchChild(definition: AnyDefinition, inputs: unknown, parent: ProcessHandle): ProcessHandle
  /** A state change: checkpoint, broadcast. */
  stateChanged(process: ProcessHandle, from: StateName | null, to: StateName): void
  /** The process was paused or played (a checkpoint records it). */
  pausedChanged(process: ProcessHandle): void
  /** A signal was kept in the inbox of the process (a checkpoint records it). */
  signalKept(process: ProcessHandle): void
  /** Save a checkpoint a step asked for. */
  saveCheckpoint(process: ProcessHandle, tag: string | undefined): void
  /** The process has terminated and closed. */
  terminated(process: ProcessHandle): void
  /** Resolves once the process can be reached where the host exposes it (see `Runner`). */
  reachable?(pid: string): Promise<void>
  /**
   * Told of every step run, before the event reporting it is applied (history, metrics). Unset
   * when nothing listens: steps are then not even timed.
   */
  readonly stepObserver?: StepObserver | undefined
}

/** What a step run was: which step, how long its function took, and whether it failed. */
export interface StepRun {
  /** Undefined when only a work chain's predicates ran. */
  readonly step: string | undefined
  /** Wall time of the step function, in milliseconds (a monotonic clock). */
  readonly durationMs: number
  readonly failed: boolean
}

/** Told of each step run. */
export type StepObserver = (process: ProcessHandle, run: StepRun) => void
