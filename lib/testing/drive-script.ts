/**
 * The vocabulary of `driveDefinition`: what a script answers (requests for awaitables, resumes)
 * and what a drive gives back (a trace of the steps taken and the state it stopped in).
 */
import type { ListenerEvent } from '../process/effects.js'
import type { EmittedOutput, StepDeeds, StepLogLine, StepOutcome } from '../process/events.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import type { StateName } from '../process/state.js'
import type { Duration } from '../commands/duration.js'
import type { Signal } from '../commands/signal.js'
import { shortReport } from '../checkpoint/decode-report.js'
import type { AnyDefinition } from '../process/definition.js'
import type { TestClock } from './test-clock.js'

/** Something a step registered and the script is asked to answer. */
export type AwaitRequest =
  | {
      readonly key: string
      readonly kind: 'launch'
      /** The child definition's name. */
      readonly definition: string
      /** The child's inputs, as given to `launch`. */
      readonly inputs: unknown
      /** Whether the result is appended to a list under `key` (`append_`). */
      readonly append: boolean
      /** For an entry with a retry policy: which attempt this is (1 for the first). */
      readonly attempt?: number
    }
  | {
      readonly key: string
      readonly kind: 'task' | 'promise'
      readonly append: boolean
      readonly attempt?: number
    }
  /** A wait for a signal: answered by the script's `signals`. */
  | {
      readonly key: string
      readonly kind: 'signal'
      readonly name: string
      readonly append: boolean
    }
  /** A durable timer: answered by the drive's clock, not by the script. */
  | {
      readonly key: string
      readonly kind: 'timer'
      /** Its absolute deadline, from the drive's clock when the wait started. */
      readonly deadline: number
      readonly append: boolean
    }

/** What `script.answer` returns to leave a request unanswered: the process then blocks. */
export const unanswered: unique symbol = Symbol('unanswered')

/** How the world answers a driven process. Everything is optional. */
export interface DriveScript {
  /**
   * The value of an awaitable (a child's outputs, a task's result), an `Error` to fail it, or
   * `unanswered` to leave it pending. Without `answer`, nothing is answered.
   */
  readonly answer?: (request: AwaitRequest) => unknown
  /**
   * Values for `resume(value)`, used in order each time the process waits for a resume, paused
   * or not (a paused process keeps the value, still WAITING, until it is played).
   */
  readonly resumes?: readonly unknown[]
  /** Play the process each time it pauses (as its operator would), instead of stopping there. */
  readonly playPaused?: boolean
  /** Steps allowed before the drive gives up with an error (default 10,000). */
  readonly maxSteps?: number
  /** The pid (default `'test-pid'`). */
  readonly pid?: string
  /**
   * The drive's clock (a fresh `TestClock` at 0 unless given). Whenever the process can go no
   * further and a timer is armed, the drive moves the clock to the earliest deadline and fires
   * it, so sleeps take no time.
   */
  readonly clock?: TestClock
  /**
   * Signals to send, each once the drive's clock has moved `after` from where it started
   * (default: at once, kept in the inbox until a wait for it starts). Make them with
   * `scriptSignal(Approve, { by: 'ann' }, '1 day')`, which checks the payload's type.
   */
  readonly signals?: readonly ScriptedSignal[]
  /**
   * How far the drive may move its clock from where it started: a timer due later is left
   * armed and the drive stops, blocked (default: no limit).
   */
  readonly timeLimit?: Duration
}

/** A signal a drive sends, `after` its start. */
export interface ScriptedSignal {
  readonly name: string
  /** The payload in its JSON form (as the signal's codec encodes it). */
  readonly payload: unknown
  readonly after: Duration
}

/** A signal for `DriveScript.signals`: `signal` with `payload`, `after` the drive starts. */
export const scriptSignal = <T>(
  signal: Signal<T>,
  payload: T,
  after: Duration = 0,
): ScriptedSignal => ({
  name: signal.name,
  payload: signal.codec.encode(payload),
  after,
})

/** One step the process took. */
export interface TraceEntry {
  /** The step that ran; undefined when only predicates ran and the outline ended. */
  readonly step: string | undefined
  /** Where: `Cursor.format` of the step's place for a work chain, the step name for a process. */
  readonly cursor: string
  /** What the step led to: the outcome's tag, or `'Failed'` when it threw. */
  readonly outcome: StepOutcome['_tag'] | 'Failed'
  /** The context after the step (frozen). */
  readonly ctx: unknown
  /** The outputs the step emitted, in order. */
  readonly emitted: readonly EmittedOutput[]
  /** Its log lines, checkpoints, and the pause or kill it asked for. */
  readonly deeds: StepDeeds | undefined
}

/** Why the drive stopped: a terminal state, a wait nobody answers, or a pause. */
export type Stopped = 'terminal' | 'blocked' | 'paused'

/** What driving a definition gave. */
export interface DriveResult<O = Record<string, unknown>> {
  readonly trace: readonly TraceEntry[]
  /** The final snapshot (plain data). */
  readonly snapshot: ProcessSnapshot
  readonly state: StateName
  readonly stopped: Stopped
  readonly outputs: Readonly<Partial<O>>
  /** The body's result when FINISHED. */
  readonly result: unknown
  /** The original error when EXCEPTED, a `KilledError` when KILLED. */
  readonly error: Error | undefined
  /** Every awaitable the steps registered, in order. */
  readonly requests: readonly AwaitRequest[]
  /** When blocked on awaitables: the ones left unanswered. */
  readonly blockedOn: readonly AwaitRequest[]
  /** What the process's listeners would have heard, in order. */
  readonly events: readonly ListenerEvent[]
  /** The state changes, in order (`from` is null for the creation). */
  readonly transitions: readonly { readonly from: StateName | null; readonly to: StateName }[]
  /** The log lines its steps wrote, with the step that wrote each. */
  readonly logs: readonly (StepLogLine & { readonly step: string | undefined })[]
  /** The tags of the checkpoints its steps asked for, in order. */
  readonly checkpoints: readonly (string | undefined)[]
  /** The drive's clock where the drive stopped (ms since the epoch). */
  readonly now: number
}

/**
 * Refuse, before the drive starts, a scripted signal the definition would refuse where it
 * enters: one its spec does not declare (when it declares its signals), or a payload the
 * declared codec does not decode.
 */
export const checkScriptedSignals = (
  definition: AnyDefinition,
  signals: readonly ScriptedSignal[],
): void => {
  const declared = definition.spec.signals
  if (declared === undefined) return
  signals.forEach((sent, index) => {
    const declaration = declared.get(sent.name)
    if (declaration === undefined)
      throw new RangeError(
        `script.signals[${index}]: ${definition.name} declares no signal '${sent.name}'`,
      )
    const decoded = declaration.codec.decode(sent.payload)
    if (decoded._tag === 'Left')
      throw new RangeError(
        `script.signals[${index}]: ${shortReport(decoded.left, 'payload', true)}`,
      )
  })
}
