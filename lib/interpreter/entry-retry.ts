/**
 * Retried entries at the host's edge, shared by every host (the runtime, the test drivers): the
 * attempts an entry with a retry policy starts with, and the event reporting a failed attempt,
 * with the verdict of the policy's `retryOn` (code, so it runs here and never in the reducer)
 * and the host's time. The reducer decides the rest from data (`lib/process/entry-retry.ts`).
 */
import type { Awaitable } from '../commands/awaitables.js'
import type { ToContextEntry } from '../commands/suspend.js'
import {
  entryTimeoutMessage,
  entryVerdict,
  firstAttempt,
  type EntryRetry,
} from '../process/entry-retry-state.js'
import { errorInfo } from '../process/errors.js'
import { Events, type AwaitableFailed } from '../process/events.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { EntryAttemptsOverError } from '../retry/errors.js'
import { neverRetried } from '../retry/never-retried.js'
import { retryOnRefusal, type RetryPlan } from '../retry/policy.js'

/** The retry plan an awaitable declared, if any. */
export const retryPlanOf = (awaitable: Awaitable | undefined): RetryPlan | undefined =>
  awaitable?._tag === 'Launch' || awaitable?._tag === 'Task' ? awaitable.retry : undefined

/**
 * The attempts of an entry that declared a retry policy: the first one, with what a timed-out
 * attempt gets from `retryOn` (asked now: the error it would see is known) and, for a child, the
 * data that launches it again after a reload.
 */
export const entryRetryOf = (entry: ToContextEntry): EntryRetry | undefined => {
  const awaitable = entry.awaitable
  const plan = retryPlanOf(awaitable)
  if (plan === undefined || (awaitable._tag !== 'Launch' && awaitable._tag !== 'Task'))
    return undefined
  const timeoutMs = awaitable.timeout
  return firstAttempt(plan, {
    timeoutMs,
    timeoutRefused:
      timeoutMs === undefined
        ? undefined
        : retryOnRefusal(plan, { name: 'TimeoutError', message: entryTimeoutMessage(entry.key) }),
    relaunch:
      awaitable._tag === 'Launch'
        ? {
            definition: awaitable.definition.name,
            inputs: awaitable.inputs,
            ...(awaitable.detached === true ? { detached: true as const } : {}),
          }
        : undefined,
  })
}

/** A failure of the awaited thing in a slot, as the host reports it. */
export interface AwaitedFailure {
  readonly snapshot: ProcessSnapshot
  readonly slot: number
  readonly error: unknown
  /** The host's clock now (ms since the epoch): a backoff counts from it. */
  readonly now: number
  /** The entry's plan as the step declared it; undefined when the host no longer has it. */
  readonly plan: RetryPlan | undefined
  /** Why another attempt is ruled out whatever `retryOn` says (it cannot be started again). */
  readonly refused?: string
}

/**
 * The event reporting a failed awaited thing, judged when its entry has a retry policy; and the
 * error the host keeps as the process's own (the attempts-over error when this failure is the
 * entry's last).
 */
export const awaitedFailedEvent = (
  failure: AwaitedFailure,
): { readonly event: AwaitableFailed; readonly original: unknown } => {
  const { snapshot, slot, error } = failure
  const state = snapshot.state
  const pending = state._tag === 'WAITING' ? state.awaiting[slot] : undefined
  const info = errorInfo(error)
  const retry = pending?.retry
  if (pending === undefined || retry === undefined)
    return { event: Events.awaitableFailed(slot, info), original: error }
  const refused = failure.refused ?? neverRetried(info) ?? refusal(retry, failure, info)
  const judged = { at: failure.now, refused }
  const verdict = entryVerdict(retry, judged)
  const original =
    verdict._tag === 'Again'
      ? error
      : new EntryAttemptsOverError(
          {
            key: pending.key,
            attempt: retry.attempt,
            maxAttempts: retry.maxAttempts,
            refused: verdict.refused,
          },
          error,
        )
  return { event: Events.awaitableFailed(slot, info, judged), original }
}

const refusal = (
  retry: EntryRetry,
  failure: AwaitedFailure,
  info: { readonly name: string; readonly message: string },
): string | undefined => {
  if (!retry.retryOn) return undefined
  if (failure.plan === undefined)
    return 'its retryOn cannot be asked: the step that declared it is gone since a reload'
  return retryOnRefusal(failure.plan, info)
}
