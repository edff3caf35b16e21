/**
 * Retry policies as data. A step (through `step({ retry }, fn)`) declares how often a failed
 * attempt runs again and how long it waits first; the wait is a durable timer, so a process that
 * is reloaded, paused or killed while it backs off behaves as it does in any other timed wait.
 * Only `retryOn` is code, and it runs where the failure is reported (the step executor), never in
 * the reducer: what reaches the snapshot is its verdict.
 */
import { toMilliseconds, type Duration } from '../commands/duration.js'
import { neverRetried } from './never-retried.js'

/** What `retryOn` is shown of a failure: the error's name and message. */
export interface FailureInfo {
  readonly name: string
  readonly message: string
}

/**
 * How a step retries: at most `maxAttempts` attempts in all (the first included); before attempt
 * n + 1 it waits `initialDelay × factor^(n-1)`, capped at `maxDelay`. `retryOn` decides from the
 * error whether a failure may be retried at all (absent: every failure may).
 */
export interface RetryPolicy {
  readonly maxAttempts: number
  /** The wait before the second attempt (default 1s); the same forms as `sleep`. */
  readonly initialDelay?: Duration
  /** How much each wait grows on the one before (default 2). */
  readonly factor?: number
  /** The longest wait (default: no cap). */
  readonly maxDelay?: Duration
  readonly retryOn?: (error: FailureInfo) => boolean
}

/** A policy read once, when it is declared: plain numbers, and the `retryOn` it was given. */
export interface RetryPlan {
  readonly maxAttempts: number
  readonly initialDelayMs: number
  readonly factor: number
  readonly maxDelayMs: number | undefined
  readonly retryOn: ((error: FailureInfo) => boolean) | undefined
}

/** A retry policy that cannot be used: which field, and why. */
export class RetryPolicyError extends Error {
  override readonly name = 'RetryPolicyError'
}

/**
 * Check and read a policy (`where` names it in errors, e.g. `step fetch: retry`). Throws a
 * `RetryPolicyError` naming the field for a bad value, so a typo fails where it is written.
 */
export const retryPlan = (policy: RetryPolicy, where: string): RetryPlan => {
  if (!Number.isSafeInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    throw new RetryPolicyError(
      `${where}.maxAttempts must be a whole number ≥ 1, got ${String(policy.maxAttempts)}`,
    )
  const factor = policy.factor ?? 2
  if (!Number.isFinite(factor) || factor < 1)
    throw new RetryPolicyError(`${where}.factor must be a finite number ≥ 1, got ${factor}`)
  return {
    maxAttempts: policy.maxAttempts,
    initialDelayMs: durationAt(policy.initialDelay ?? 1_000, `${where}.initialDelay`),
    factor,
    maxDelayMs:
      policy.maxDelay === undefined ? undefined : durationAt(policy.maxDelay, `${where}.maxDelay`),
    retryOn: policy.retryOn,
  }
}

const durationAt = (duration: Duration, where: string): number => {
  try {
    return toMilliseconds(duration)
  } catch (error) {
    throw new RetryPolicyError(`${where}: ${(error as Error).message}`)
  }
}

/** The wait before the attempt after attempt `failed` (1-based), in ms. */
export const backoffMs = (plan: RetryPlan, failed: number): number => {
  const grown = plan.initialDelayMs * plan.factor ** (failed - 1)
  const capped = plan.maxDelayMs === undefined ? grown : Math.min(grown, plan.maxDelayMs)
  return Math.round(Math.min(capped, Number.MAX_SAFE_INTEGER))
}

/**
 * What happens after attempt `attempt` failed with `error`: wait `delayMs` and run again, or give
 * up (`exhausted`: no attempt left; `refused`: `retryOn` said no, or threw).
 */
export type RetryVerdict =
  | { readonly _tag: 'Again'; readonly delayMs: number }
  | { readonly _tag: 'Exhausted' }
  | { readonly _tag: 'Refused'; readonly reason: string }

/** Judge one failed attempt against a plan (a failure `neverRetried` names is refused first). */
export const judgeFailure = (
  plan: RetryPlan,
  attempt: number,
  error: FailureInfo,
): RetryVerdict => {
  const refused = neverRetried(error) ?? retryOnRefusal(plan, error)
  if (refused !== undefined) return { _tag: 'Refused', reason: refused }
  if (attempt >= plan.maxAttempts) return { _tag: 'Exhausted' }
  return { _tag: 'Again', delayMs: backoffMs(plan, attempt) }
}

/** Why the plan's `retryOn` refuses `error` (it said no, or threw); undefined when it may retry. */
export const retryOnRefusal = (plan: RetryPlan, error: FailureInfo): string | undefined => {
  if (plan.retryOn === undefined) return undefined
  let retryable: boolean
  try {
    retryable = plan.retryOn({ name: error.name, message: error.message })
  } catch (thrown) {
    return `retryOn threw: ${String(thrown)}`
  }
  return retryable ? undefined : `retryOn refused ${error.name}`
}
