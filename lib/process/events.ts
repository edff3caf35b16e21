/**
 * Events: everything that can happen to a process, as data. The interpreter (or your own loop)
 * feeds them to `transition`.
 */
import type { LogLevel } from '../commands/instant.js'
import type { ErrorInfo } from './errors.js'
import type { Position } from './position.js'
import type { Pending } from './state.js'
import type { AttemptInfo, FailedAttempt } from './retry-state.js'
import type { AwaitableRef } from './awaitable.js'
import type { EntryJudgement } from './entry-retry-state.js'

/** Take the first step. */
export interface Start {
  readonly _tag: 'Start'
}

/**
 * Run the step at the RUNNING position now. Ignored unless the process can step (RUNNING, not
 * paused, not already stepping): a request for a step may be overtaken by a pause or a kill.
 */
export interface StepStarted {
  readonly _tag: 'StepStarted'
}

/** What a finished step asks for, with positions already computed by the definition's body. */
export type StepOutcome =
  | { readonly _tag: 'Continue'; readonly position: Position }
  | {
      readonly _tag: 'Wait'
      readonly position: Position
      readonly message: string | undefined
      readonly data: unknown
      readonly awaiting: readonly Pending[]
      /** A generator step suspended inside itself: the journal key of what it waits for. */
      readonly asked: string | undefined
      /** The first entry to settle ends the wait (`race`). */
      readonly race?: true
      /** The step declared a retry policy: the attempt that waits. */
      readonly retry?: AttemptInfo
    }
  | {
      readonly _tag: 'Stop'
      readonly result: unknown
      readonly successful: boolean
      readonly exitStatus: number
      readonly exitMessage: string | undefined
    }
  | { readonly _tag: 'Kill'; readonly message: string | undefined }

/** One output emitted during a step, for hooks and listeners. */
export interface EmittedOutput {
  readonly port: string
  readonly value: unknown
  readonly dynamic: boolean
}

/** One log line a step wrote. */
export interface StepLogLine {
  readonly level: LogLevel
  readonly message: string
}

/**
 * What a step did besides changing its context and outputs, all of it applied with the step's
 * transition: outputs emitted (for hooks and listeners), log lines, checkpoints asked for, and
 * the pause or kill it asked for (a pause followed by `play()` cancels out).
 */
export interface StepDeeds {
  /** The step that ran; undefined when only a work chain's predicates ran. */
  readonly step: string | undefined
  readonly emitted: readonly EmittedOutput[]
  readonly logs: readonly StepLogLine[]
  /** Tags of the checkpoints asked for (undefined: the untagged one). */
  readonly checkpoints: readonly (string | undefined)[]
  readonly pause: { readonly message: string | undefined } | undefined
  readonly kill: { readonly message: string | undefined } | undefined
}

/** The step function returned: its outcome, the new context and outputs, and what it did. */
export interface StepCompleted {
  readonly _tag: 'StepCompleted'
  readonly outcome: StepOutcome
  readonly ctx: unknown
  readonly outputs: Readonly<Record<string, unknown>>
  /** Undefined when the step did nothing else (the common case: one shared empty record). */
  readonly deeds: StepDeeds | undefined
}

/**
 * The step function threw (or emitted an invalid output, or replayed nondeterministically). The
 * outputs it emitted before are kept, as plumpy keeps them.
 */
export interface StepFailed {
  readonly _tag: 'StepFailed'
  readonly error: ErrorInfo
  /** Every output after what the step emitted before failing; undefined: as they were. */
  readonly outputs: Readonly<Record<string, unknown>> | undefined
  readonly deeds: StepDeeds | undefined
  /** The step declared a retry policy: the attempt that failed, and whether another follows. */
  readonly retry?: FailedAttempt
}

/**
 * A signal `name` with its payload, checked by its codec where it entered; without a name, a
 * `resume(payload)` (the signal without a name).
 */
export interface SignalReceived {
  readonly _tag: 'Signal'
  /** The signal's name; absent for a resume. */
  readonly name?: string
  readonly payload: unknown
}

/** `pause(message)`. */
export interface Pause {
  readonly _tag: 'Pause'
  readonly message: string | undefined
}

/** `play()`. */
export interface Play {
  readonly _tag: 'Play'
}

/** `kill(message, { force })`. */
export interface KillRequested {
  readonly _tag: 'Kill'
  readonly message: string | undefined
  readonly force: boolean
}

/** The awaitable in slot `slot` of a WAITING process settled with `value`. */
export interface AwaitableSettled {
  readonly _tag: 'AwaitableSettled'
  readonly slot: number
  readonly value: unknown
}

/** The awaitable in slot `slot` failed. */
export interface AwaitableFailed {
  readonly _tag: 'AwaitableFailed'
  readonly slot: number
  readonly error: ErrorInfo
  /** For an entry with a retry policy: when it failed, and what rules out another attempt. */
  readonly judged?: EntryJudgement
}

/**
 * A retried entry's next attempt has started (after `RestartAwaited`): `ref` is what it awaits
 * now, `at` when it started (its timeout counts from then).
 */
export interface AwaitableRestarted {
  readonly _tag: 'AwaitableRestarted'
  readonly slot: number
  readonly ref: AwaitableRef
  readonly at: number
}

/** A hook (or the host acting for the process) failed. */
export interface Fail {
  readonly _tag: 'Fail'
  readonly error: ErrorInfo
}

/** Close a terminated process: its closing hooks run, and nothing changes any more. */
export interface Close {
  readonly _tag: 'Close'
}

/** Set the status text. */
export interface SetStatus {
  readonly _tag: 'SetStatus'
  readonly status: string | undefined
}

/** Every event. */
export type ProcessEvent =
  | Start
  | StepStarted
  | StepCompleted
  | StepFailed
  | SignalReceived
  | Pause
  | Play
  | KillRequested
  | AwaitableSettled
  | AwaitableFailed
  | AwaitableRestarted
  | Fail
  | Close
  | SetStatus

/** Event constructors, for hosts and for tests that script events. */
export const Events = {
  start: (): Start => START,
  stepStarted: (): StepStarted => STEP_STARTED,
  stepCompleted: (
    outcome: StepOutcome,
    ctx: unknown,
    outputs: Readonly<Record<string, unknown>>,
    deeds: StepDeeds | undefined = undefined,
  ): StepCompleted => ({ _tag: 'StepCompleted', outcome, ctx, outputs, deeds }),
  stepFailed: (
    error: ErrorInfo,
    outputs: Readonly<Record<string, unknown>> | undefined = undefined,
    deeds: StepDeeds | undefined = undefined,
    retry: FailedAttempt | undefined = undefined,
  ): StepFailed =>
    retry === undefined
      ? { _tag: 'StepFailed', error, outputs, deeds }
      : { _tag: 'StepFailed', error, outputs, deeds, retry },
  /** `resume(value)`: the signal without a name. */
  resume: (value?: unknown): SignalReceived => ({ _tag: 'Signal', payload: value }),
  signal: (name: string, payload: unknown): SignalReceived => ({ _tag: 'Signal', name, payload }),
  pause: (message?: string): Pause => ({ _tag: 'Pause', message }),
  play: (): Play => PLAY,
  kill: (message?: string, force = false): KillRequested => ({ _tag: 'Kill', message, force }),
  awaitableSettled: (slot: number, value: unknown): AwaitableSettled => ({
    _tag: 'AwaitableSettled',
    slot,
    value,
  }),
  awaitableFailed: (
    slot: number,
    error: ErrorInfo,
    judged: EntryJudgement | undefined = undefined,
  ): AwaitableFailed =>
    judged === undefined
      ? { _tag: 'AwaitableFailed', slot, error }
      : { _tag: 'AwaitableFailed', slot, error, judged },
  awaitableRestarted: (slot: number, ref: AwaitableRef, at: number): AwaitableRestarted => ({
    _tag: 'AwaitableRestarted',
    slot,
    ref,
    at,
  }),
  fail: (error: ErrorInfo): Fail => ({ _tag: 'Fail', error }),
  close: (): Close => CLOSE,
  setStatus: (status: string | undefined): SetStatus => ({ _tag: 'SetStatus', status }),
}

const START: Start = { _tag: 'Start' }
const STEP_STARTED: StepStarted = { _tag: 'StepStarted' }
const PLAY: Play = { _tag: 'Play' }
const CLOSE: Close = { _tag: 'Close' }
