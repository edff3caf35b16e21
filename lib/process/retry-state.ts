/**
 * The attempts of a step that declared a retry policy, as snapshot data: which step, where it
 * starts again, which attempt runs (or runs next), and, while it backs off, the deadline of the
 * durable timer it waits on. Checkpointed, so a reloaded process goes on counting.
 */
import type { ErrorInfo } from './errors.js'
import type { Position } from './position.js'

/** Where a guarded step stands. */
export interface RetryState {
  readonly step: string
  /** The position that runs the step from its start (no journal). */
  readonly at: Position
  /** The attempt under way, or the next one while backing off (1-based). */
  readonly attempt: number
  readonly maxAttempts: number
  /** While backing off: when the next attempt starts (ms since the epoch). */
  readonly deadline: number | undefined
  /** The failure of the attempt before, if any. */
  readonly lastError: ErrorInfo | undefined
  /**
   * What the step awaited failed or timed out: the executor reports it as this attempt's failure
   * (only it can ask the policy's `retryOn`), without running the step.
   */
  readonly failed?: ErrorInfo
}

/** A guarded step's attempt as the executor reports it with a suspension or a failure. */
export interface AttemptInfo {
  readonly step: string
  readonly at: Position
  readonly attempt: number
  readonly maxAttempts: number
}

/**
 * A failed attempt: `retryAt` is when the next one starts (fixed by the host from its clock), or
 * undefined when there is none; `refused` says why `retryOn` declined.
 */
export interface FailedAttempt extends AttemptInfo {
  readonly retryAt: number | undefined
  readonly refused: string | undefined
}

/** The key under which a backing-off process waits on its timer. */
export const BACKOFF_KEY = 'retry'
