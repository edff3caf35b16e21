/**
 * Process states as tagged data. A state carries everything needed to continue from it, so a
 * snapshot is a complete description of where a process is.
 */
import type { ErrorInfo } from './errors.js'
import type { Position } from './position.js'
import { sameRef, type AwaitableRef } from './awaitable.js'
import type { EntryRetry } from './entry-retry-state.js'

/** The six states of plumpy's process state machine. */
export type StateName = 'CREATED' | 'RUNNING' | 'WAITING' | 'FINISHED' | 'EXCEPTED' | 'KILLED'

/** The names in lifecycle order, for iteration and codecs. */
export const STATE_NAMES: readonly StateName[] = [
  'CREATED',
  'RUNNING',
  'WAITING',
  'FINISHED',
  'EXCEPTED',
  'KILLED',
]

/** Created, inputs validated, not yet started. */
export interface Created {
  readonly _tag: 'CREATED'
  readonly position: Position
}

/** About to run (or running) the step at `position`. */
export interface Running {
  readonly _tag: 'RUNNING'
  readonly position: Position
  /** Set when this RUNNING was entered by `resume`, so a second resume is a no-op, not an error. */
  readonly resumed: boolean
}

/** One thing a WAITING process waits for, and what came back so far. */
export interface Pending {
  readonly key: string
  readonly ref: AwaitableRef
  /** Append to a list under `key` instead of assigning. */
  readonly append: boolean
  readonly done: boolean
  readonly value?: unknown
  /**
   * A timeout's timer, not a result: what it guards (`step` for the step's own timeout, else the
   * key of the entry). When it fires first, the wait fails with a `TimeoutError`.
   */
  readonly timeout?: string
  /**
   * The entry declared a retry policy: its attempts. While it backs off, `ref` is the backoff's
   * timer (`retry.deadline`), not a result.
   */
  readonly retry?: EntryRetry
}

/**
 * Waiting: for `resume(value)` when `awaiting` is empty, otherwise for every awaitable to settle.
 * `position` is where to continue afterwards.
 */
export interface Waiting {
  readonly _tag: 'WAITING'
  readonly position: Position
  readonly message: string | undefined
  readonly data: unknown
  readonly awaiting: readonly Pending[]
  /**
   * When a generator step is suspended inside itself: what it asked for (its journal key). The
   * answer is recorded with it in the position's journal.
   */
  readonly asked: string | undefined
  /**
   * A `resume(value)` that came while the process was paused: it stays WAITING until `play()`,
   * which goes on with this value (boxed, since `undefined` is a value too).
   */
  readonly resumedWith?: { readonly value: unknown }
  /**
   * A race: the first awaited thing to settle ends the wait, and the others are cancelled
   * (absent: every one must settle).
   */
  readonly race?: true
}

/** Finished: the body returned. `successful` is false for an unsuccessful result or exit code. */
export interface Finished {
  readonly _tag: 'FINISHED'
  readonly result: unknown
  readonly successful: boolean
  readonly exitStatus: number
  readonly exitMessage: string | undefined
}

/** Excepted: a step, a hook or an awaitable failed, or an illegal move was asked for. */
export interface Excepted {
  readonly _tag: 'EXCEPTED'
  readonly error: ErrorInfo
}

/** Killed, gracefully or by force. */
export interface Killed {
  readonly _tag: 'KILLED'
  readonly message: string | undefined
}

/** Every process state. */
export type ProcessState = Created | Running | Waiting | Finished | Excepted | Killed

/** Terminal states can never be left. */
export type TerminalState = Finished | Excepted | Killed

/** True for FINISHED, EXCEPTED and KILLED. */
export const isTerminal = (state: ProcessState): state is TerminalState =>
  state._tag === 'FINISHED' || state._tag === 'EXCEPTED' || state._tag === 'KILLED'

/** True for a state name that can never be left. */
export const isTerminalName = (name: StateName): boolean =>
  name === 'FINISHED' || name === 'EXCEPTED' || name === 'KILLED'

const LEGAL: Readonly<Record<StateName, readonly StateName[]>> = {
  CREATED: ['RUNNING', 'KILLED', 'EXCEPTED'],
  RUNNING: ['RUNNING', 'WAITING', 'FINISHED', 'KILLED', 'EXCEPTED'],
  WAITING: ['RUNNING', 'WAITING', 'FINISHED', 'KILLED', 'EXCEPTED'],
  FINISHED: [],
  EXCEPTED: [],
  KILLED: [],
}

/**
 * Whether `state` still waits on `ref` in `slot` (a settlement from an older wait, or from the
 * loser of a race, is not for it).
 */
export const awaitsAt = (state: ProcessState, slot: number, ref: AwaitableRef): boolean => {
  if (state._tag !== 'WAITING') return false
  const pending = state.awaiting[slot]
  return pending !== undefined && !pending.done && sameRef(pending.ref, ref)
}

/** The legal moves of SEMANTICS.md "Process lifecycle". */
export const isLegalMove = (from: StateName, to: StateName): boolean => LEGAL[from].includes(to)
