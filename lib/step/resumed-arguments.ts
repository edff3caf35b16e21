/**
 * A resume kept early is checked when the wait it settles starts: a `Wait(step)` whose step
 * declares its arguments gets them checked when that step runs.
 */
import { argumentsProblem, InvalidResumeArgumentsError } from '../process/declare-step.js'
import type { LocatedStep, ProcessDefinition } from '../process/definition.js'
import type { ProcessSnapshot } from '../process/snapshot.js'

/**
 * A `Wait(step)` resumed by a kept resume: its value was checked as JSON only when it came, so
 * the arguments it gives a step that declares them are checked now (a resume that came while the
 * process waited was checked then, and passes again).
 */
export const checkResumedArguments = (
  definition: ProcessDefinition,
  snapshot: ProcessSnapshot,
  located: LocatedStep,
): void => {
  const state = snapshot.state
  if (state._tag !== 'RUNNING' || !state.resumed || state.position.journal !== undefined) return
  const problem = argumentsProblem(located.fn, located.args)
  if (problem !== undefined)
    throw new InvalidResumeArgumentsError(definition.name, located.name, problem)
}
