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
import type { Execution } from '../step/execute.js'

/** How a host starts what a step awaits: a reference to each started thing, in order. */
export type StartAwaitables = (entries: readonly ToContextEntry[]) => readonly AwaitableRef[]

/**
 * The event reporting an execution. Awaitables are started only for a step that completed;
 * starting them may fail (a child's inputs are invalid), which fails the step.
 */
export const stepEvent = (
  execution: Execution,
  start: StartAwaitables,
): { readonly event: StepCompleted | StepFailed; readonly error: unknown } => {
  if (execution._tag === 'Failed')
    return {
      event: Events.stepFailed(errorInfo(execution.error), execution.outputs, execution.deeds),
      error: execution.error,
    }
  let outcome: StepOutcome
  try {
    outcome = started(execution.outcome, start)
  } catch (error) {
    return {
      event: Events.stepFailed(errorInfo(error), execution.outputs, execution.deeds),
      error,
    }
  }
  return {
    event: Events.stepCompleted(outcome, execution.ctx, execution.outputs, execution.deeds),
    error: undefined,
  }
}

const started = (outcome: BodyOutcome, start: StartAwaitables): StepOutcome => {
  if (outcome._tag !== 'Wait') return outcome
  const refs = outcome.entries.length === 0 ? [] : start(outcome.entries)
  const awaiting: Pending[] = outcome.entries.map((entry, i) => ({
    key: entry.key,
    ref: refs[i] as AwaitableRef,
    append: entry.append,
    done: false,
  }))
  return {
    _tag: 'Wait',
    position: outcome.position,
    message: outcome.message,
    data: outcome.data,
    awaiting,
    asked: outcome.asked,
  }
}
