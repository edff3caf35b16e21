/**
 * Keeping checkpointed processes JSON, within the checkpoint limits. A runner that checkpoints
 * checks what each step leaves behind before applying it, so a step that puts a Date (a Map,
 * NaN…) into its context or outputs, or data nested too deep or too long to write, fails there,
 * naming the path, and the process goes EXCEPTED with its last good data, instead of checkpoints
 * that silently change the value, overflow the stack or fail to save. Runners that take no
 * checkpoints pay nothing.
 */
import { CheckpointError } from '../checkpoint/errors.js'
import { itemsProblem, valueProblem, type ValueProblem } from '../checkpoint/json-values.js'
import type { CheckpointLimits } from '../checkpoint/limits.js'
import type { BodyOutcome } from '../process/definition.js'
import type { Execution } from '../step/execute.js'

type Completed = Extract<Execution, { readonly _tag: 'Completed' }>

/** The error for a completed step whose results cannot be kept, or undefined when they can. */
export const notJsonStep = (
  pid: string,
  execution: Completed,
  limits?: CheckpointLimits,
): CheckpointError | undefined => {
  const found =
    valueProblem(execution.ctx, 'ctx', limits) ??
    valueProblem(execution.outputs, 'outputs', limits) ??
    outcomeProblem(execution.outcome, limits)
  if (found === undefined) return undefined
  const step = execution.step === undefined ? '' : ` (after step ${execution.step})`
  return new CheckpointError(found.problem, pid, undefined, `${found.reason}${step}`)
}

/** The error for a value handed to a process from outside (a resume value, an awaited result). */
export const notJsonValue = (
  pid: string,
  value: unknown,
  path: string,
  limits?: CheckpointLimits,
): CheckpointError | undefined => {
  // It lands in a journal, which keeps an undefined as it is (see `itemsProblem`).
  if (value === undefined) return undefined
  const found = valueProblem(value, path, limits)
  return found === undefined
    ? undefined
    : new CheckpointError(found.problem, pid, undefined, found.reason)
}

const outcomeProblem = (
  outcome: BodyOutcome,
  limits: CheckpointLimits | undefined,
): ValueProblem | undefined => {
  switch (outcome._tag) {
    case 'Stop':
      return outcome.result === undefined
        ? undefined
        : valueProblem(outcome.result, 'result', limits)
    case 'Continue':
      return outcome.position._tag === 'Step'
        ? itemsProblem(outcome.position.args, 'args', limits)
        : undefined
    case 'Wait':
      return outcome.data === undefined ? undefined : valueProblem(outcome.data, 'data', limits)
    case 'Kill':
      return undefined
  }
}
