/**
 * Keeping checkpointed processes JSON. A runner that checkpoints checks what each step leaves
 * behind before applying it, so a step that puts a Date (a Map, NaN…) into its context or
 * outputs fails there, naming the path, and the process goes EXCEPTED with its last good data,
 * instead of checkpoints that silently change the value or fail to save. Runners that take no
 * checkpoints pay nothing.
 */
import { CheckpointError } from '../checkpoint/errors.js'
import { notJsonItems, notJsonReason } from '../checkpoint/json-values.js'
import type { BodyOutcome } from '../process/definition.js'
import type { Execution } from '../step/execute.js'

type Completed = Extract<Execution, { readonly _tag: 'Completed' }>

/** The error for a completed step whose results are not JSON, or undefined when they are. */
export const notJsonStep = (pid: string, execution: Completed): CheckpointError | undefined => {
  const reason =
    notJsonReason(execution.ctx, 'ctx') ??
    notJsonReason(execution.outputs, 'outputs') ??
    outcomeReason(execution.outcome)
  if (reason === undefined) return undefined
  const step = execution.step === undefined ? '' : ` (after step ${execution.step})`
  return new CheckpointError('not-json', pid, undefined, `${reason}${step}`)
}

/** The error for a value handed to a process from outside (a resume value, an awaited result). */
export const notJsonValue = (
  pid: string,
  value: unknown,
  path: string,
): CheckpointError | undefined => {
  // It lands in a journal, which keeps an undefined as it is (see `notJsonItems`).
  if (value === undefined) return undefined
  const reason = notJsonReason(value, path)
  return reason === undefined ? undefined : new CheckpointError('not-json', pid, undefined, reason)
}

const outcomeReason = (outcome: BodyOutcome): string | undefined => {
  switch (outcome._tag) {
    case 'Stop':
      return outcome.result === undefined ? undefined : notJsonReason(outcome.result, 'result')
    case 'Continue':
      return outcome.position._tag === 'Step'
        ? notJsonItems(outcome.position.args, 'args')
        : undefined
    case 'Wait':
      return outcome.data === undefined ? undefined : notJsonReason(outcome.data, 'data')
    case 'Kill':
      return undefined
  }
}
