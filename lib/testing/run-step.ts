/**
 * `runStep`: call one step (or predicate) of a definition on a context snapshot and inputs, with
 * no runner, no timers and no Promise, and see what it did: the next context, the outputs, the
 * commands it yielded and returned, and what its transition would apply. It runs the step the
 * way the interpreter does (an immer draft, instant commands answered, suspensions answered from
 * `answers`); to step a generator by hand instead, call the step function yourself.
 */
import type { Immutable } from 'immer'
import type { Command } from '../commands/command.js'
import { isFlow, isInstant } from '../commands/kinds.js'
import type { ToContextEntry } from '../commands/suspend.js'
import { isCommand } from '../commands/yieldable.js'
import type { ArgsOfStep } from '../process/declare-step.js'
import type {
  AnyDefinition,
  ContextOfDefinition,
  RawInputsOfDefinition,
  StepFn,
  StepsOfDefinition,
} from '../process/definition.js'
import type { EmittedOutput, StepDeeds } from '../process/events.js'
import { StepContextDraft, initialContext } from '../step/context.js'
import { drive, isGenerator } from '../step/generator.js'
import { StepRecord } from '../step/record.js'
import { StepViews } from '../step/views.js'
import { parseInputs } from './inputs.js'

/**
 * What to run a step on. Everything is optional. Typed from the definition: `ctx` is its context
 * type, `inputs` what `create` takes, `args` what the step declares (see `runStep`).
 */
export interface StepInput<
  Ctx = any,
  Inputs = unknown,
  Args extends readonly unknown[] = readonly unknown[],
> {
  /** The context snapshot (default: the definition's initial context for these inputs). */
  readonly ctx?: Immutable<Ctx>
  /** Raw inputs, parsed and defaulted through the spec as `create` would. */
  readonly inputs?: Inputs
  /** Outputs emitted before this step. */
  readonly outputs?: Readonly<Record<string, unknown>>
  /** Arguments, as `Continue(step, ...args)` or `resume(value)` would pass them. */
  readonly args?: Args
  /** Answers to a generator step's suspensions (`toContext`, `waitForResume`), in order. */
  readonly answers?: readonly unknown[]
  /** The pid the step sees (default `'test-pid'`). */
  readonly pid?: string
}

/** What one step did. */
export interface StepRun<Ctx> {
  /** The context after the step, frozen. */
  readonly ctx: Immutable<Ctx>
  /** All outputs after the step. */
  readonly outputs: Readonly<Record<string, unknown>>
  /** The outputs this step emitted, in order. */
  readonly emitted: readonly EmittedOutput[]
  /** What the step function returned (a predicate's boolean, a command, a generator's value). */
  readonly returned: unknown
  /** Every command the step yielded, then the one it returned, in order. */
  readonly yielded: readonly Command[]
  /**
   * The command that ended the step (returned, or yielded), or the first suspension no answer
   * was given for; undefined when the step just returned.
   */
  readonly command: Command | undefined
  /** The awaitables of a returned `toContext`, or of the unanswered suspension. */
  readonly awaitables: readonly ToContextEntry[]
  /** Its log lines, checkpoints, and the pause or kill it asked for (what its transition applies). */
  readonly deeds: StepDeeds | undefined
  /** Set when the step asked for a kill by force: it ended there. */
  readonly forcedKill: { readonly message: string | undefined } | undefined
}

/**
 * Run the step (or predicate) named `step` of `definition`. The name must be one of its steps;
 * `input.ctx` is typed by its context, `input.inputs` by what `create` takes, `input.args` by
 * the arguments the step declares, and the run's `ctx` by the context again.
 */
export const runStep = <D extends AnyDefinition, K extends keyof StepsOfDefinition<D> & string>(
  definition: D,
  step: K,
  input: StepInput<
    ContextOfDefinition<D>,
    RawInputsOfDefinition<D>,
    ArgsOfStep<StepsOfDefinition<D>[K]>
  > = {},
): StepRun<ContextOfDefinition<D>> => {
  type Ctx = ContextOfDefinition<D>
  const steps = definition.steps as Readonly<Record<string, StepFn>>
  const fn = Object.hasOwn(steps, step) ? steps[step] : undefined
  if (fn === undefined)
    throw new Error(
      `${definition.name} has no step '${step}' (its steps: ${Object.keys(steps).join(', ')})`,
    )
  const inputs = parseInputs(definition, input.inputs)
  const pid = input.pid ?? 'test-pid'
  const view = new StepViews(pid, definition.name, inputs).at(input.args ?? [], undefined)
  const record = new StepRecord(input.outputs ?? {}, definition.spec.outputs)
  const context = new StepContextDraft(input.ctx ?? initialContext(definition.context(inputs)))
  const yielded: Command[] = []
  const returned = fn(context.for(fn), view)
  let command: Command | undefined
  let forcedKill: { readonly message: string | undefined } | undefined
  let value = returned
  if (isGenerator(returned)) {
    const journal = (input.answers ?? []).map((answer) => ({ asked: '', answer }))
    const run = { generator: returned, context, record, journal, index: 0, pid, step }
    const driven = drive({ ...run, unchecked: true, seen: yielded }, returned.next())
    if (driven._tag === 'Suspended') command = driven.on
    else if (driven._tag === 'ForceKilled') forcedKill = { message: driven.message }
    else if (isCommand(driven.value) && isFlow(driven.value as Command)) {
      command = driven.value as Command
      value = undefined
    } else value = driven.value
    if (command !== undefined && !yielded.includes(command)) yielded.push(command)
  } else if (isCommand(returned)) {
    command = returned as Command
    yielded.push(command)
    if (isInstant(command)) {
      const forced = record.answer(command)
      if (forced !== undefined) forcedKill = forced
      command = undefined
    }
  }
  return {
    ctx: context.close() as Immutable<Ctx>,
    outputs: record.outputs,
    emitted: record.deeds(step)?.emitted ?? [],
    returned: value,
    yielded,
    command,
    awaitables: command?._tag === 'ToContext' ? command.entries : [],
    deeds: record.deeds(step),
    forcedKill,
  }
}
