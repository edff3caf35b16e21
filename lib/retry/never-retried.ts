/**
 * Failures no retry policy retries. Each refuses data, not a passing fault: a value sent from
 * outside (a resume, a signal's payload), or arguments and inputs a step builds from its context
 * and inputs, which a retry builds again the same way. Retrying one would fail the same way, or,
 * worse, swallow what an operator sent; so the process ends EXCEPTED at once with the refusal,
 * whatever `retryOn` would say. Told apart by name, the one thing a failure keeps in a snapshot
 * and across a reload (a failed child's error included).
 */
import type { FailureInfo } from './policy.js'

/** The names of the errors never retried, with what each refuses. */
export const NEVER_RETRIED: ReadonlyMap<string, string> = new Map([
  ['InvalidResumeArgumentsError', "a kept resume that a Wait(step)'s declared arguments refuse"],
  ['ResumeValueRefusedError', "a resume value that waitForResume's codec refuses"],
  ['SignalPayloadRefusedError', "a signal's payload that its codec refuses"],
  ['UndeclaredSignalError', 'a wait for a signal the spec does not declare'],
  ['InvalidArgumentsError', "a Continue's arguments that the step's declared codec refuses"],
  ['InvalidInputsError', 'inputs that the spec of the process to launch refuses'],
])

/** Why `error` is never retried (`<name> is never retried`); undefined when a policy may retry it. */
export const neverRetried = (error: FailureInfo): string | undefined =>
  NEVER_RETRIED.has(error.name) ? `${error.name} is never retried` : undefined
