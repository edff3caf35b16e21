/**
 * Retried entries in the reducer. An entry that declared a retry policy and failed (its child
 * ended EXCEPTED or KILLED by someone else, its task rejected, its timeout fired) does not
 * settle: with the host's verdict on `retryOn` and attempts left, its slot waits on a durable
 * backoff timer (the same `Timer` ref as `sleep`, so pause holds it, a kill or a lost race clears
 * it, a reload re-arms it); when that fires the host starts the entry again (`RestartAwaited`)
 * and reports what it awaits now (`AwaitableRestarted`). Once the attempts are spent the wait
 * fails with an error naming the entry, and the step's own policy (if any) takes it from there.
 * Part of the reducer (`transition.ts`).
 */
import { timerRef, type AwaitableRef, type TimerRef } from './awaitable.js'
import type { Effect } from './effects.js'
import { NOTIFY_WAITING, NO_EFFECTS, stateChanged, type Transition } from './enter.js'
import {
  entryTimeoutMessage,
  entryVerdict,
  type EntryJudgement,
  type EntryRetry,
} from './entry-retry-state.js'
import type { ErrorInfo } from './errors.js'
import { awaitedFailure } from './retry.js'
import type { ProcessSnapshot } from './snapshot.js'
import type { Pending, Waiting } from './state.js'
import { entryGivenUpMessage } from '../retry/errors.js'

const NO_VERDICT: EntryJudgement = { at: 0, refused: 'the host gave no verdict on the failure' }

/** A retried entry in `slot` failed with `error`: back off, or fail the wait. */
export const entryFailed = (
  s: ProcessSnapshot,
  slot: number,
  error: ErrorInfo,
  judged: EntryJudgement | undefined,
  effects: Effect[],
): ProcessSnapshot => {
  const pending = (s.state as Waiting).awaiting[slot] as Pending
  const retry = pending.retry as EntryRetry
  const verdict = entryVerdict(retry, judged ?? NO_VERDICT)
  if (verdict._tag === 'GivenUp')
    return awaitedFailure(s, givenUp(pending.key, retry, verdict.refused, error), false, effects)
  return backingOff(s, slot, verdict.deadline, error, effects)
}

/**
 * The timeout in `slot` guards a retried entry (the slot before it) that has not settled: its
 * attempt timed out when the timer fell due. The attempt is cancelled and retried, or the wait
 * fails (cancelling the rest, as any timeout does). Undefined when the timeout guards no
 * retried entry.
 */
export const entryTimedOut = (
  s: ProcessSnapshot,
  slot: number,
  effects: Effect[],
): ProcessSnapshot | undefined => {
  const awaiting = (s.state as Waiting).awaiting
  const timeout = awaiting[slot] as Pending
  const guarded = awaiting[slot - 1]
  if (!guardsRetried(timeout, guarded)) return undefined
  const retry = guarded.retry as EntryRetry
  const error: ErrorInfo = { name: 'TimeoutError', message: entryTimeoutMessage(guarded.key) }
  const at = (timeout.ref as TimerRef).deadline
  const verdict = entryVerdict(retry, { at, refused: retry.timeoutRefused })
  if (verdict._tag === 'GivenUp')
    return awaitedFailure(s, givenUp(guarded.key, retry, verdict.refused, error), true, effects)
  effects.push({ _tag: 'CancelAwaited', awaited: [{ slot: slot - 1, ref: guarded.ref }] })
  return backingOff(s, slot - 1, verdict.deadline, error, effects)
}

const guardsRetried = (timeout: Pending, guarded: Pending | undefined): guarded is Pending =>
  guarded !== undefined &&
  guarded.retry !== undefined &&
  !guarded.done &&
  guarded.retry.deadline === undefined &&
  timeout.timeout === guarded.key

/** Whether the pending in a slot is a retried entry's backoff timer. */
export const isEntryBackoff = (pending: Pending): boolean =>
  pending.retry !== undefined && pending.retry.deadline !== undefined

/**
 * The backoff of the entry in `slot` is over: the host starts it again. Until it says what the
 * entry awaits now, the old timer is marked so that it cannot start it twice.
 */
export const entryBackoffOver = (s: ProcessSnapshot, slot: number): Transition => {
  const pending = (s.state as Waiting).awaiting[slot] as Pending
  const retry = pending.retry as EntryRetry
  if (retry.restarting === true) return [s, NO_EFFECTS]
  const restarting: Pending = { ...pending, retry: { ...retry, restarting: true } }
  return [withPending(s, slot, restarting), [{ _tag: 'RestartAwaited', slot }]]
}

/**
 * The next attempt of the entry in `slot` has started: it awaits `ref`, and its timeout (if it
 * declared one) counts from `at`. A start the process no longer waits for (it was killed, or
 * lost a race, meanwhile) is cancelled at once.
 */
export const entryRestarted = (
  s: ProcessSnapshot,
  slot: number,
  ref: AwaitableRef,
  at: number,
): Transition => {
  const state = s.state
  const pending = state._tag === 'WAITING' ? state.awaiting[slot] : undefined
  if (pending?.retry?.restarting !== true)
    return [s, [{ _tag: 'CancelAwaited', awaited: [{ slot, ref }] }]]
  const { restarting: _restarting, ...retry } = pending.retry
  const effects: Effect[] = [{ _tag: 'Await', slot, ref }]
  let after = withPending(s, slot, { ...pending, ref, retry: { ...retry, deadline: undefined } })
  const timeout = (after.state as Waiting).awaiting[slot + 1]
  if (retry.timeoutMs !== undefined && timeout?.timeout === pending.key) {
    const timer = timerRef(at + retry.timeoutMs)
    const { value: _value, ...armed } = { ...timeout, ref: timer, done: false }
    after = withPending(after, slot + 1, armed)
    effects.push({ _tag: 'Await', slot: slot + 1, ref: timer })
  }
  effects.push(NOTIFY_WAITING, stateChanged('WAITING', 'WAITING'))
  return [after, effects]
}

/**
 * The entry in `slot` waits on its backoff timer until `deadline`; its timeout's timer, if one
 * is still armed, is cleared (the next attempt arms it again). Listeners hear what it waits for
 * now, and the checkpoint taken on the state change records the attempt and the deadline.
 */
const backingOff = (
  s: ProcessSnapshot,
  slot: number,
  deadline: number,
  error: ErrorInfo,
  effects: Effect[],
): ProcessSnapshot => {
  const pending = (s.state as Waiting).awaiting[slot] as Pending
  const { restarting: _restarting, ...retry } = pending.retry as EntryRetry
  const timer = timerRef(deadline)
  const lastError = { name: error.name, message: error.message }
  let after = withPending(s, slot, {
    ...pending,
    ref: timer,
    retry: { ...retry, attempt: retry.attempt + 1, deadline, lastError },
  })
  const timeout = (after.state as Waiting).awaiting[slot + 1]
  if (timeout !== undefined && timeout.timeout === pending.key && !timeout.done) {
    effects.push({ _tag: 'CancelAwaited', awaited: [{ slot: slot + 1, ref: timeout.ref }] })
    after = withPending(after, slot + 1, { ...timeout, done: true })
  }
  effects.push(
    { _tag: 'Await', slot, ref: timer },
    NOTIFY_WAITING,
    stateChanged('WAITING', 'WAITING'),
  )
  return after
}

const withPending = (s: ProcessSnapshot, slot: number, pending: Pending): ProcessSnapshot => {
  const state = s.state as Waiting
  const awaiting = state.awaiting.map((p, i) => (i === slot ? pending : p))
  return { ...s, state: { ...state, awaiting } }
}

const givenUp = (
  key: string,
  retry: EntryRetry,
  refused: string | undefined,
  last: ErrorInfo,
): ErrorInfo => ({
  name: last.name,
  message: entryGivenUpMessage(
    { key, attempt: retry.attempt, maxAttempts: retry.maxAttempts, refused },
    last,
  ),
})
