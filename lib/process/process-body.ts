/**
 * The body of a plain process: named steps, the first one `run` (or the one named by `entry`);
 * `Continue` and `Wait` name the next step, and any other return value is the result.
 */
import { isCommand, type ToContextEntry } from './commands.js'
import type { Body, BodyOutcome, LocatedStep, StepFn } from './definition.js'
import { stop, terminalOutcome, waitAt } from './outcomes.js'
import { stepPosition, type Position } from './position.js'

/** Build the body of a plain process from its steps. */
export const processBody = (
  name: string,
  steps: Readonly<Record<string, StepFn>>,
  entry?: string,
): Body => {
  const names = Object.keys(steps)
  const first = entry ?? ('run' in steps ? 'run' : names[0])
  if (first === undefined) throw new DefinitionError(`${name}: a process needs at least one step`)
  if (!(first in steps)) throw new DefinitionError(`${name}: entry step '${first}' is not a step`)
  for (const [stepName, fn] of Object.entries(steps))
    if (typeof fn !== 'function')
      throw new DefinitionError(`${name}.steps.${stepName}: a step must be a function`)

  const lookup = (step: string): StepFn => {
    const fn = Object.hasOwn(steps, step) ? steps[step] : undefined
    if (fn === undefined)
      throw new Error(`${name} has no step named '${step}' (its steps: ${names.join(', ')})`)
    return fn
  }

  return {
    initial: stepPosition(first),
    structure: `process(${names.join(',')})`,
    describe: () => ({ steps: names, entry: first }),
    checkPosition(position: Position) {
      if (position._tag !== 'Step') return `${name} is a process: it has no outline positions`
      return Object.hasOwn(steps, position.step)
        ? undefined
        : `'${position.step}' is not a step of ${name} (its steps: ${names.join(', ')})`
    },
    locate(position: Position) {
      if (position._tag !== 'Step')
        throw new Error(`${name} is a process: it cannot run at an outline position`)
      const at: Position = { _tag: 'Step', step: position.step, args: position.args }
      return {
        _tag: 'Step',
        name: position.step,
        fn: lookup(position.step),
        at,
        args: position.args,
      }
    },
    complete(_located: LocatedStep, returned: unknown, entries: readonly ToContextEntry[]) {
      if (entries.length > 0)
        throw new Error(
          `${name}: toContext is for work chains; in a process, yield it inside a generator step`,
        )
      return commandOutcome(returned, lookup)
    },
  }
}

const commandOutcome = (returned: unknown, lookup: (step: string) => StepFn): BodyOutcome => {
  if (!isCommand(returned)) return stop(returned, true)
  const terminal = terminalOutcome(returned)
  if (terminal !== undefined) return terminal
  switch (returned._tag) {
    case 'Continue':
      lookup(returned.step)
      return { _tag: 'Continue', position: stepPosition(returned.step, returned.args) }
    case 'Wait':
      if (returned.step === undefined)
        throw new Error('Wait in a process needs the name of the step to resume with')
      lookup(returned.step)
      return waitAt(stepPosition(returned.step), [], returned.message, returned.data)
    case 'ToContext':
      throw new Error(
        'ToContext is for work chains; in a process, yield it inside a generator step',
      )
    default:
      throw new Error(`unexpected command ${returned._tag}`)
  }
}

/** A definition that cannot be built, with the place named. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError'
}
