/**
 * Guarded steps in the executor: a step declared with `step({ retry, timeout }, fn)` reports
 * which attempt it is with every suspension, gets its timeout as one more timer of the wait, and
 * has every failure judged by its policy (`retryOn` is the policy's code, so it runs here, with
 * the user's other code, and never in the reducer).
 */
import type { ToContextEntry } from '../commands/suspend.js'
import type { BodyOutcome, LocatedStep } from '../process/definition.js'
import { stepGuardOf } from '../process/declare-step.js'
import type { AttemptInfo } from '../process/retry-state.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { judgeFailure, type RetryVerdict } from '../retry/policy.js'

/** A failed attempt of a guarded step, and what its policy says follows. */
export interface JudgedAttempt {
  readonly info: AttemptInfo
  readonly verdict: RetryVerdict
}

/** The attempt of `located` that runs now: the snapshot's count while it is the same step. */
const attemptOf = (snapshot: ProcessSnapshot, located: LocatedStep, maxAttempts: number) => ({
  step: located.name,
  at: located.at,
  attempt: snapshot.retry?.step === located.name ? snapshot.retry.attempt : 1,
  maxAttempts,
})

/**
 * A guarded step's wait: with its attempt (for a retry policy) and its timeout as one more timer
 * of the wait (only a wait on something: a wait for `resume` has no timeout).
 */
export const guardWait = (
  snapshot: ProcessSnapshot,
  located: LocatedStep,
  outcome: BodyOutcome,
): BodyOutcome => {
  if (outcome._tag !== 'Wait') return outcome
  const guard = stepGuardOf(located.fn)
  if (guard === undefined) return outcome
  const timeout: ToContextEntry[] =
    guard.timeoutMs === undefined || outcome.entries.length === 0
      ? []
      : [
          {
            key: `timeout:${located.name}`,
            awaitable: { _tag: 'Timer', ms: guard.timeoutMs, until: undefined },
            append: false,
            timeout: `step ${located.name}`,
          },
        ]
  return {
    ...outcome,
    entries: [...outcome.entries, ...timeout],
    ...(guard.retry === undefined
      ? {}
      : { retry: attemptOf(snapshot, located, guard.retry.maxAttempts) }),
  }
}

/** A failure of `located`, judged by its retry policy; undefined when it declared none. */
export const judgeAttempt = (
  snapshot: ProcessSnapshot,
  located: LocatedStep,
  error: unknown,
): JudgedAttempt | undefined => {
  const plan = stepGuardOf(located.fn)?.retry
  if (plan === undefined) return undefined
  const info = attemptOf(snapshot, located, plan.maxAttempts)
  const failure = error instanceof Error ? error : { name: 'Error', message: String(error) }
  return { info, verdict: judgeFailure(plan, info.attempt, failure) }
}
