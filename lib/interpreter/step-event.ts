/**
 * Turning what a step did into the event that reports it. Shared by every host's step runner:
 * the host only says how the awaitables a step registered are started.
 */
import type { ToContextEntry } from '../commands/suspend.js'
import type { BodyOutcome } from '../process/definition.js'
import { errorInfo } from '../process/errors.js'
import { Events, type StepCompleted, type StepFailed, type StepOutcome } from '../process/events.js'
import type { Pending } from '../process/state.js'
import type { AwaitableRef } from '../process/awaitable.js'
import type { Execution, JudgedAttempt } from '../step/execute.js'
import type { FailedAttempt } from '../process/retry-state.js'
import { AttemptsOverError } from '../retry/errors.js'
import { entryRetryOf } from './entry-retry.js'

/** What a host does for a step runner (the runtime's process handle is one). */
export interface StepHost {
  /** Start what a step awaits: a reference to each started thing, in order. May throw. */
  startAwaitables(entries: readonly ToContextEntry[]): readonly AwaitableRef[]
  /** Keep the original error of a failed step (the event carries only its data). */
  recordError(error: unknown): void
  /**
   * The host's clock (ms since the epoch): a retry's backoff starts from it. Needed only by hosts
   * that run steps declaring a retry policy.
   */
  now?(): number
}

/**
 * The event reporting an execution. Awaitables are started only for a step that completed;
 * starting them may fail (a child's inputs are invalid), which fails the step.
 */
export const stepEvent = (execution: Execution, host: StepHost): StepCompleted | StepFailed => {
  if (execution._tag === 'Failed') {
    const attempt = failedAttempt(execution.attempt, host)
    // A guarded step that gives up fails with an error that says so (the last one its cause).
    host.recordError(
      attempt === undefined || attempt.retryAt !== undefined
        ? execution.error
        : new AttemptsOverError(attempt, execution.error),
    )
    return Events.stepFailed(
      errorInfo(execution.error),
      execution.outputs,
      execution.deeds,
      attempt,
    )
  }
  const outcome = execution.outcome
  if (outcome._tag !== 'Wait')
    return Events.stepCompleted(outcome, execution.ctx, execution.outputs, execution.deeds)
  try {
    const waiting = started(outcome, host)
    return Events.stepCompleted(waiting, execution.ctx, execution.outputs, execution.deeds)
  } catch (error) {
    host.recordError(error)
    return Events.stepFailed(errorInfo(error), execution.outputs, execution.deeds)
  }
}

const started = (outcome: Extract<BodyOutcome, { _tag: 'Wait' }>, host: StepHost): StepOutcome => {
  const refs = outcome.entries.length === 0 ? [] : host.startAwaitables(outcome.entries)
  const pendingAt = (entry: ToContextEntry, i: number): Pending => {
    const { key, append } = entry
    const ref = refs[i] as AwaitableRef
    if (entry.timeout !== undefined)
      return { key, ref, append, done: false, timeout: entry.timeout }
    const retry = entryRetryOf(entry)
    return retry === undefined
      ? { key, ref, append, done: false }
      : { key, ref, append, done: false, retry }
  }
  // A wait on one thing is the most common and may last for days: a literal holds one slot,
  // where `map` leaves room for four.
  const entries = outcome.entries
  const awaiting: readonly Pending[] =
    entries.length === 1 ? [pendingAt(entries[0] as ToContextEntry, 0)] : entries.map(pendingAt)
  return {
    _tag: 'Wait',
    position: outcome.position,
    message: outcome.message,
    data: outcome.data,
    awaiting,
    asked: outcome.asked,
    ...(outcome.race === true ? { race: true as const } : {}),
    ...(outcome.retry === undefined ? {} : { retry: outcome.retry }),
  }
}

/** A judged attempt as the event carries it: the next attempt's start from the host's clock. */
const failedAttempt = (
  judged: JudgedAttempt | undefined,
  host: StepHost,
): FailedAttempt | undefined => {
  if (judged === undefined) return undefined
  const { verdict } = judged
  return {
    ...judged.info,
    retryAt: verdict._tag === 'Again' ? clockOf(host)() + verdict.delayMs : undefined,
    refused: verdict._tag === 'Refused' ? verdict.reason : undefined,
  }
}

const clockOf = (host: StepHost): (() => number) => {
  if (host.now === undefined)
    throw new Error('this StepHost has no now(): a step with a retry policy needs a clock')
  return host.now.bind(host)
}
