/**
 * Failures no retry policy retries. Each refuses data, not a passing fault: a value sent from
 * outside (a resume, a signal's payload), or what a step builds from its code, context and inputs
 * (arguments, inputs, outputs, commands, durations, policies), which a retry builds again the
 * same way. Retrying one would fail the same way, or, worse, swallow what an operator sent or
 * hide a step whose code no longer replays its journal; so the process ends EXCEPTED at once with
 * the refusal, whatever `retryOn` would say. Told apart by name, the one thing a failure keeps in
 * a snapshot and across a reload (a failed child's error included).
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
  ['OutputError', 'an output that its port refuses'],
  // A retry would run the step afresh, dropping the answers its journal recorded: the divergence
  // (changed code, or a step that reads a clock or a global) would pass unseen.
  ['NondeterminismError', 'a replayed generator step that asks for other than its journal holds'],
  ['NotACommandError', 'a value a generator step yields that is not a command'],
  ['DurationError', "a duration (of a sleep, of an entry's timeout) that cannot be read"],
  ['RetryPolicyError', 'a retry policy (of a task or a launch) that cannot be used'],
])

/** Why `error` is never retried (`<name> is never retried`); undefined when a policy may retry it. */
export const neverRetried = (error: FailureInfo): string | undefined =>
  NEVER_RETRIED.has(error.name) ? `${error.name} is never retried` : undefined
