/**
 * The attempts of one awaited entry that declared a retry policy (`launch(Def, inputs, { retry
 * })`, `task(start, { retry })`), as snapshot data kept with the entry in `awaiting`: the policy's
 * numbers (so the backoff is computed in the reducer, from data), which attempt runs or runs
 * next, the backoff's deadline, the last failure, and what a relaunch starts. Only `retryOn` is
 * code: the host asks it where a failure is reported and hands the reducer its verdict.
 */
import type { ErrorInfo } from './errors.js'
import { backoffMs, type RetryPlan } from '../retry/policy.js'

/** What launching a retried child again takes: its definition's name and its inputs (data). */
export interface Relaunch {
  readonly definition: string
  readonly inputs: unknown
  readonly detached?: true
}

/** Where a retried entry stands. */
export interface EntryRetry {
  /** The attempt under way, or the next one while backing off (1-based). */
  readonly attempt: number
  readonly maxAttempts: number
  readonly initialDelayMs: number
  readonly factor: number
  readonly maxDelayMs: number | undefined
  /** The policy has a `retryOn`, which the host must ask about each failure. */
  readonly retryOn: boolean
  /** Each attempt's timeout (ms): its timer is armed again when the entry starts again. */
  readonly timeoutMs?: number
  /** Why `retryOn` refuses a timed-out attempt (asked when the entry started); absent: it may. */
  readonly timeoutRefused?: string
  /** While backing off: when the next attempt starts (ms since the epoch). */
  readonly deadline: number | undefined
  /** The failure of the attempt before, if any. */
  readonly lastError: ErrorInfo | undefined
  /** A child's definition and inputs (absent for a task, whose `start` is code). */
  readonly relaunch?: Relaunch
  /**
   * The backoff is over and the host is starting the next attempt: further settlements of the
   * old timer are ignored. Not checkpointed: a reloaded process fires its backoff again.
   */
  readonly restarting?: true
}

/** The first attempt of an entry under `plan`. */
export const firstAttempt = (
  plan: RetryPlan,
  extra: {
    readonly timeoutMs: number | undefined
    readonly timeoutRefused: string | undefined
    readonly relaunch: Relaunch | undefined
  },
): EntryRetry => ({
  attempt: 1,
  maxAttempts: plan.maxAttempts,
  initialDelayMs: plan.initialDelayMs,
  factor: plan.factor,
  maxDelayMs: plan.maxDelayMs,
  retryOn: plan.retryOn !== undefined,
  ...(extra.timeoutMs === undefined ? {} : { timeoutMs: extra.timeoutMs }),
  ...(extra.timeoutRefused === undefined ? {} : { timeoutRefused: extra.timeoutRefused }),
  deadline: undefined,
  lastError: undefined,
  ...(extra.relaunch === undefined ? {} : { relaunch: extra.relaunch }),
})

/**
 * What the host says of a failed attempt: when it failed (its clock) and, when `retryOn` (or
 * anything else) rules out another attempt, why.
 */
export interface EntryJudgement {
  readonly at: number
  readonly refused: string | undefined
}

/** What follows a failed attempt of a retried entry. */
export type EntryVerdict =
  | { readonly _tag: 'Again'; readonly deadline: number }
  | { readonly _tag: 'GivenUp'; readonly refused: string | undefined }

/** Judge a failed attempt from the entry's data and the host's judgement. */
export const entryVerdict = (retry: EntryRetry, judged: EntryJudgement): EntryVerdict => {
  if (judged.refused !== undefined) return { _tag: 'GivenUp', refused: judged.refused }
  if (retry.attempt >= retry.maxAttempts) return { _tag: 'GivenUp', refused: undefined }
  const delay = backoffMs(
    {
      maxAttempts: retry.maxAttempts,
      initialDelayMs: retry.initialDelayMs,
      factor: retry.factor,
      maxDelayMs: retry.maxDelayMs,
      retryOn: undefined,
    },
    retry.attempt,
  )
  return { _tag: 'Again', deadline: judged.at + delay }
}

/** The message of a timed-out attempt of entry `key`. */
export const entryTimeoutMessage = (key: string): string => `awaited '${key}' timed out`
