/**
 * The process snapshot: the complete, immutable state of one process as the reducer sees it.
 * Everything in it is plain data, so it can be compared, printed and checkpointed.
 */
import type { ProcessState } from './state.js'
import type { Position } from './position.js'
import type { RetryState } from './retry-state.js'

/** A graceful pause asked for while a step was running. */
export interface PendingPause {
  readonly message: string | undefined
}

/** A graceful kill asked for while a step was running. */
export interface PendingKill {
  readonly message: string | undefined
}

/**
 * A signal received before the process waited for it, kept until it does. A resume is the signal
 * without a name: its entry has no `name`, and its `payload` is the resume value.
 */
export interface ReceivedSignal {
  /** The signal's name; absent for a resume. */
  readonly name?: string
  /** The payload in its JSON form (it was checked by the signal's codec when it arrived). */
  readonly payload: unknown
}

/**
 * The state of one process. The fields marked "absent: …" are set in few snapshots and, when
 * unset, are left out rather than kept as `undefined` (read them as `undefined` all the same):
 * a process may wait for days, and each of them would cost it 8 bytes meanwhile.
 */
export interface ProcessSnapshot {
  readonly pid: string
  readonly state: ProcessState
  /** Paused processes take no step until played. Independent of the state. */
  readonly paused: boolean
  /** Free status text; pausing keeps the previous text in `prePauseStatus`. */
  readonly status: string | undefined
  /** Absent: not paused, or paused with no status before. */
  readonly prePauseStatus?: string | undefined
  /** True while a step function runs: interruptions then wait for it to finish. */
  readonly stepping: boolean
  /** Absent: no pause waits for the running step. */
  readonly pendingPause?: PendingPause | undefined
  /** Absent: no kill waits for the running step. */
  readonly pendingKill?: PendingKill | undefined
  /**
   * False while a terminal state's hooks are still being run; a failing finishing hook may then
   * still turn the process EXCEPTED. Once closed, nothing changes any more.
   */
  readonly closed: boolean
  /** The work chain context (an empty object for plain processes), deeply frozen. */
  readonly ctx: unknown
  /** Outputs emitted so far, deeply frozen. */
  readonly outputs: Readonly<Record<string, unknown>>
  /**
   * Signals (and at most one resume) received before the process waited for them, oldest first
   * (absent: none).
   */
  readonly inbox?: readonly ReceivedSignal[] | undefined
  /** The attempts of a step that declared a retry policy (absent: no such step is under way). */
  readonly retry?: RetryState | undefined
}

/** A fresh snapshot in CREATED, about to take its first step at `position`. */
export const createdSnapshot = (
  pid: string,
  position: Position,
  ctx: unknown,
  status?: string,
): ProcessSnapshot => ({
  pid,
  state: createdState(position),
  paused: false,
  status,
  stepping: false,
  closed: false,
  ctx,
  outputs: EMPTY_OUTPUTS,
})

const EMPTY_OUTPUTS: Readonly<Record<string, unknown>> = Object.freeze({})

/**
 * Every process of a definition is created at the same position, so they all share one CREATED
 * state (states are immutable data): a created process then costs its snapshot and no more.
 */
const CREATED_STATES = new WeakMap<Position, ProcessState>()

const createdState = (position: Position): ProcessState => {
  let state = CREATED_STATES.get(position)
  if (state === undefined) {
    state = { _tag: 'CREATED', position }
    CREATED_STATES.set(position, state)
  }
  return state
}

/** Whether one of the rarely set fields other than `retry` is set (see `ProcessSnapshot`). */
const carriesRare = (s: ProcessSnapshot): boolean =>
  s.pendingPause !== undefined ||
  s.pendingKill !== undefined ||
  s.prePauseStatus !== undefined ||
  s.inbox !== undefined

// The copies below write the usual fields out: a step makes a few of them, and an explicit
// literal costs a tenth of an object spread of the same snapshot (see bench/findings/). A
// snapshot that carries one of the rare fields is spread instead: it is rare.

/** The snapshot with `stepping` set. */
export const withStepping = (s: ProcessSnapshot, stepping: boolean): ProcessSnapshot =>
  carriesRare(s) || s.retry !== undefined
    ? { ...s, stepping }
    : {
        pid: s.pid,
        state: s.state,
        paused: s.paused,
        status: s.status,
        stepping,
        closed: s.closed,
        ctx: s.ctx,
        outputs: s.outputs,
      }

/** The snapshot after a step: not stepping, with the step's context and outputs. */
export const afterStepSnapshot = (
  s: ProcessSnapshot,
  state: ProcessState,
  ctx: unknown,
  outputs: Readonly<Record<string, unknown>>,
): ProcessSnapshot => {
  if (!carriesRare(s))
    return {
      pid: s.pid,
      state,
      paused: s.paused,
      status: s.status,
      stepping: false,
      closed: s.closed,
      ctx,
      outputs,
    }
  // A step that went on to the next has succeeded: its attempts are over.
  const { retry: _over, ...rest } = s
  return { ...rest, state, stepping: false, ctx, outputs }
}

/** The snapshot in another state. */
export const withState = (s: ProcessSnapshot, state: ProcessState): ProcessSnapshot =>
  carriesRare(s) || s.retry !== undefined
    ? { ...s, state }
    : {
        pid: s.pid,
        state,
        paused: s.paused,
        status: s.status,
        stepping: s.stepping,
        closed: s.closed,
        ctx: s.ctx,
        outputs: s.outputs,
      }

/** The snapshot closed: its terminal state's hooks have run, and nothing changes any more. */
export const closedSnapshot = (s: ProcessSnapshot): ProcessSnapshot =>
  carriesRare(s) || s.retry !== undefined
    ? { ...s, closed: true }
    : {
        pid: s.pid,
        state: s.state,
        paused: s.paused,
        status: s.status,
        stepping: s.stepping,
        closed: true,
        ctx: s.ctx,
        outputs: s.outputs,
      }
