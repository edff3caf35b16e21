/**
 * The body of a plain process: named steps, the first one `run` (or the one named by `entry`);
 * `Continue` and `Wait` name the next step, and any other return value is the result.
 */
import type { Command } from '../commands/command.js'
import { isFlow } from '../commands/kinds.js'
import { isCommand } from '../commands/yieldable.js'
import { argumentsProblem, InvalidArgumentsError } from './declare-step.js'
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
      // The position without its journal: itself when it has none (then processes entered at
      // one shared position share what their suspended steps keep, see `withJournal`).
      const at: Position =
        position.journal === undefined
          ? position
          : { _tag: 'Step', step: position.step, args: position.args }
      return {
        _tag: 'Step',
        name: position.step,
        fn: lookup(position.step),
        at,
        args: position.args,
      }
    },
    complete(_located: LocatedStep, returned: unknown) {
      return isCommand(returned)
        ? commandOutcome(name, returned as Command, lookup)
        : stop(returned, true)
    },
  }
}

const commandOutcome = (
  name: string,
  command: Command,
  lookup: (step: string) => StepFn,
): BodyOutcome => {
  if (!isFlow(command))
    throw new Error(
      command._tag === 'ToContext'
        ? 'toContext in a process is yielded inside a generator step (yield* toContext(...))'
        : `a step ended with ${command._tag}, which does not say what comes next`,
    )
  const terminal = terminalOutcome(command)
  if (terminal !== undefined) return terminal
  switch (command._tag) {
    case 'Continue': {
      // Arguments a step declares are checked where they enter: the step that sent them fails.
      const problem = argumentsProblem(lookup(command.step), command.args)
      if (problem !== undefined) throw new InvalidArgumentsError(name, command.step, problem)
      return { _tag: 'Continue', position: stepPosition(command.step, command.args) }
    }
    case 'Wait':
      lookup(command.step)
      return waitAt(stepPosition(command.step), [], command.message, command.data)
    default:
      throw new Error(`unexpected command ${command._tag}`)
  }
}

/** A definition that cannot be built, with the place named. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError'
}
