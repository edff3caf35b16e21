/**
 * Retries and timeouts in the reducer. A guarded step's failed attempt (reported by the executor
 * with its verdict, in `StepFailed.retry`) either waits on a durable timer, the backoff, and runs
 * the step again, or ends the process EXCEPTED naming the step and the attempts. A failure of
 * what the step awaited (or its timeout) goes back to the executor first, which alone can ask
 * the policy's `retryOn`. Part of the reducer (`transition.ts`).
 */
import { timerRef } from './awaitable.js'
import type { Effect } from './effects.js'
import { enter, excepted } from './enter.js'
import { givenUpMessage } from '../retry/errors.js'
import type { ErrorInfo } from './errors.js'
import type { StepFailed, StepOutcome } from './events.js'
import { BACKOFF_KEY, type FailedAttempt, type RetryState } from './retry-state.js'
import type { ProcessSnapshot } from './snapshot.js'
import type { Pending, ProcessState, Waiting } from './state.js'

/** The retry state after a step completed with `outcome`: kept only while the step waits. */
export const retryAfterStep = (
  s: ProcessSnapshot,
  outcome: StepOutcome,
): RetryState | undefined => {
  if (outcome._tag !== 'Wait' || outcome.retry === undefined) return undefined
  const { step, at, attempt, maxAttempts } = outcome.retry
  return { step, at, attempt, maxAttempts, deadline: undefined, lastError: s.retry?.lastError }
}

/**
 * Where a failed attempt of a guarded step leads: WAITING on the backoff timer, or EXCEPTED with
 * an error naming the step and the attempts (its name stays the last error's).
 */
export const failedAttempt = (
  s: ProcessSnapshot,
  e: StepFailed & { readonly retry: FailedAttempt },
  effects: Effect[],
): ProcessSnapshot => {
  const attempt = e.retry
  if (attempt.retryAt === undefined) {
    const [after] = enter({ ...s, retry: undefined }, excepted(givenUp(attempt, e.error)), effects)
    return after
  }
  const backoff: ProcessState = {
    _tag: 'WAITING',
    position: attempt.at,
    message: `retry ${attempt.step}: attempt ${attempt.attempt + 1} of ${attempt.maxAttempts}`,
    data: undefined,
    awaiting: [{ key: BACKOFF_KEY, ref: timerRef(attempt.retryAt), append: false, done: false }],
    asked: undefined,
  }
  const retry: RetryState = {
    step: attempt.step,
    at: attempt.at,
    attempt: attempt.attempt + 1,
    maxAttempts: attempt.maxAttempts,
    deadline: attempt.retryAt,
    lastError: stackless(e.error),
  }
  return enter({ ...s, retry }, backoff, effects)[0]
}

const givenUp = (attempt: FailedAttempt, error: ErrorInfo): ErrorInfo => ({
  ...error,
  message: givenUpMessage(attempt, error),
})

const stackless = (error: ErrorInfo): ErrorInfo => ({ name: error.name, message: error.message })

/** Whether a WAITING snapshot is backing off before its next attempt. */
export const isBackingOff = (s: ProcessSnapshot): boolean =>
  s.state._tag === 'WAITING' && s.retry !== undefined && s.retry.deadline !== undefined

/** The backoff is over: the step runs again from its start. */
export const backoffOver = (s: ProcessSnapshot, effects: Effect[]): ProcessSnapshot => {
  const retry = s.retry as RetryState
  const next: ProcessState = { _tag: 'RUNNING', position: retry.at, resumed: false }
  return enter({ ...s, retry: { ...retry, deadline: undefined } }, next, effects)[0]
}

/**
 * What the process awaited failed (`timedOut`: its timeout fired). A guarded step runs again at
 * its start to report the failure (it will not run its body), after the rest of the wait is
 * cancelled like a race's losers; any other process goes EXCEPTED with the error, the rest
 * cancelled after a timeout and, as before retries existed, left alone after a failure.
 */
export const awaitedFailure = (
  s: ProcessSnapshot,
  error: ErrorInfo,
  timedOut: boolean,
  effects: Effect[],
): ProcessSnapshot => {
  const retry = s.retry
  const retried = retry !== undefined && retry.deadline === undefined
  const state = s.state as Waiting
  const rest = state.awaiting.flatMap((p, slot) => (p.done ? [] : [{ slot, ref: p.ref }]))
  if ((retried || timedOut) && rest.length > 0)
    effects.push({ _tag: 'CancelAwaited', awaited: rest })
  if (!retried) return enter(s, excepted(error), effects)[0]
  const next: ProcessState = { _tag: 'RUNNING', position: retry.at, resumed: false }
  return enter({ ...s, retry: { ...retry, failed: stackless(error) } }, next, effects)[0]
}

/**
 * The error of a timeout that fired: its label is `step <name>` for a step's own timeout, else
 * the key of the entry it guards.
 */
export const timeoutError = (s: ProcessSnapshot, pending: Pending): ErrorInfo => {
  const label = pending.timeout ?? ''
  if (label.startsWith('step ')) return { name: 'TimeoutError', message: `${label}: timed out` }
  const step = s.retry === undefined ? '' : `step ${s.retry.step}: `
  return { name: 'TimeoutError', message: `${step}awaited '${label}' timed out` }
}

/** The timeout timers still armed once a wait is over: to be cancelled. */
export const armedTimeouts = (
  awaiting: readonly Pending[],
): { readonly slot: number; readonly ref: Pending['ref'] }[] =>
  awaiting.flatMap((p, slot) => (p.timeout !== undefined && !p.done ? [{ slot, ref: p.ref }] : []))
