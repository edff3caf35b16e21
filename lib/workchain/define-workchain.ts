/**
 * `defineWorkChain`: a spec, a context initialiser, named steps and an outline over them. The
 * outline is checked when the definition is built; a malformed one is an `OutlineError` naming
 * the place.
 */
import {
  buildSpec,
  type ProcessSpec,
  type Fields,
  type InputsOf,
  type NamespaceOptions,
  type OutputsOf,
  type RawInputsOf,
  type NoOptions as NoFields,
} from '../ports/index.js'
import { argsCodecOf } from '../process/declare-step.js'
import { NO_HOOKS, type OutputsRoot, type SpecConfig } from '../process/define-process.js'
import type { Hooks, ProcessDefinition, StepFn } from '../process/definition.js'
import { DefinitionError } from '../process/process-body.js'
import { workChainBody } from './body.js'
import type { ChainResultOf, ChainStepsParam, StepRefs } from './chain-steps.js'
import { normaliseOutline, type Block, type OutlineItem, type StepRef } from './outline.js'

export type { StepRefs } from './chain-steps.js'

/** What `defineWorkChain` takes. */
export interface WorkChainConfig<FI extends Fields, FO extends Fields, OO, Ctx extends object, S> {
  readonly name: string
  readonly version?: number
  readonly spec?: SpecConfig<FI, FO, OO>
  /** The first context, from the parsed inputs (an empty object by default). */
  readonly context?: (inputs: InputsOf<FI>) => Ctx
  /**
   * Steps and predicates: `(ctx, view)`, where `ctx` is an immer draft of the context. `S` is
   * the steps object as written: the outline's references, what counts as a predicate, and the
   * result are read from it (see `chain-steps.ts` for what a step may give).
   */
  readonly steps: ChainStepsParam<S, Ctx, InputsOf<FI>, OutputsRoot<FO, OO>>
  /**
   * The outline, built from the step references: `(s) => [s.init, while_(s.more)(s.work)]`. A
   * predicate (a step returning a boolean) goes in `if_`, `elif_` and `while_`, every other step
   * in the outline itself; the compiler says so at the reference that breaks this.
   */
  readonly outline: (steps: StepRefs<S>) => readonly OutlineItem[]
  readonly hooks?: Hooks
  /** Kill the children a killed chain waits on (default true). */
  readonly killChildren?: boolean
}

/**
 * A work chain definition, typed from its spec, context and steps (see `ProcessDefinition`);
 * `outline` is the normalised instruction data.
 */
export interface WorkChainDefinition<I = any, R = any, O = any, Ctx = any, S = any, Res = any>
  extends ProcessDefinition<I, R, O, Ctx, S, Res> {
  readonly outline: Block
}

/** A work chain definition with its types inferred from its configuration. */
export type WorkChainDef<FI extends Fields, FO extends Fields, OO, Ctx, S> = WorkChainDefinition<
  InputsOf<FI>,
  RawInputsOf<FI>,
  OutputsOf<OutputsRoot<FO, OO>>,
  Ctx,
  S,
  ChainResultOf<S>
>

/** Build a work chain definition (pure). */
export const defineWorkChainDefinition = <
  const FI extends Fields = NoFields,
  const FO extends Fields = NoFields,
  const OO extends NamespaceOptions = NoFields,
  Ctx extends object = NoFields,
  S = unknown,
>(
  config: WorkChainConfig<FI, FO, OO, Ctx, S>,
): WorkChainDef<FI, FO, OO, Ctx, S> => {
  // The spec's own generics are checked where the config is typed; here it is built as data.
  const spec = (buildSpec as unknown as (definition: unknown) => ProcessSpec<any, any, any>)(
    config.spec ?? {},
  )
  const steps = config.steps as unknown as Readonly<Record<string, StepFn>>
  for (const [name, fn] of Object.entries(steps)) {
    if (typeof fn !== 'function')
      throw new DefinitionError(`${config.name}.steps.${name}: a step must be a function`)
    if (argsCodecOf(fn) !== undefined)
      throw new DefinitionError(
        `${config.name}.steps.${name}: work chain steps take no arguments (step({ args }) is for processes)`,
      )
  }
  const refs = Object.fromEntries(
    Object.keys(steps).map((name) => [name, { _tag: 'StepRef', name } satisfies StepRef]),
  ) as unknown as StepRefs<S>
  const outline = normaliseOutline(
    config.outline(refs),
    new Set(Object.keys(steps)),
    `${config.name}.outline`,
    new Set(Object.keys(config.spec?.exitCodes ?? {})),
  )
  const body = workChainBody(config.name, steps, outline, config.spec?.exitCodes ?? {})
  return {
    _tag: 'ProcessDefinition',
    kind: 'workchain',
    name: config.name,
    version: config.version ?? 1,
    spec,
    body,
    steps: steps as S,
    outline,
    hooks: config.hooks ?? NO_HOOKS,
    context: (inputs) => (config.context === undefined ? {} : config.context(inputs)) as Ctx,
    killChildren: config.killChildren ?? true,
    getDescription: () => ({
      ...(spec.getDescription() as object),
      outline: body.describe(),
    }),
  }
}
