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
  type OutputsOf,
  type RawInputsOf,
  type NoOptions as NoFields,
} from '../ports/index.js'
import type { SpecConfig, ViewOf } from '../process/define-process.js'
import type { Hooks, ProcessDefinition, StepFn } from '../process/definition.js'
import { DefinitionError } from '../process/process-body.js'
import { workChainBody } from './body.js'
import { normaliseOutline, type Block, type OutlineItem, type StepRef } from './outline.js'

/** The step references an outline function receives, one per step. */
export type StepRefs<S> = { readonly [K in keyof S]: StepRef }

/** What `defineWorkChain` takes. */
export interface WorkChainConfig<FI extends Fields, FO extends Fields, Ctx extends object, S> {
  readonly name: string
  readonly version?: number
  readonly spec?: SpecConfig<FI, FO>
  /** The first context, from the parsed inputs (an empty object by default). */
  readonly context?: (inputs: InputsOf<FI>) => Ctx
  /**
   * Steps and predicates: `(ctx, view)`, where `ctx` is an immer draft of the context. (`S` only
   * carries the step names for the outline; an intersection, so that TypeScript infers the
   * context from `context` before it types the steps.)
   */
  readonly steps: S & Readonly<Record<string, StepFn<Ctx, ViewOf<FI>>>>
  /** The outline, built from the step references: `(s) => [s.init, while_(s.more)(s.work)]`. */
  readonly outline: (steps: StepRefs<S>) => readonly OutlineItem[]
  readonly hooks?: Hooks
  /** Kill the children a killed chain waits on (default true). */
  readonly killChildren?: boolean
}

/** A work chain definition, typed from its spec; `outline` is the normalised instruction data. */
export interface WorkChainDefinition<I = any, R = any, O = any> extends ProcessDefinition<I, R, O> {
  readonly outline: Block
}

/** Build a work chain definition (pure). */
export const defineWorkChainDefinition = <
  const FI extends Fields = NoFields,
  const FO extends Fields = NoFields,
  Ctx extends object = NoFields,
  S = NoFields,
>(
  config: WorkChainConfig<FI, FO, Ctx, S>,
): WorkChainDefinition<InputsOf<FI>, RawInputsOf<FI>, OutputsOf<FO>> => {
  // The spec's own generics are checked where the config is typed; here it is built as data.
  const spec = (buildSpec as unknown as (definition: unknown) => ProcessSpec<any, any, any>)(
    config.spec ?? {},
  )
  const steps = config.steps as Readonly<Record<string, StepFn>>
  for (const [name, fn] of Object.entries(steps))
    if (typeof fn !== 'function')
      throw new DefinitionError(`${config.name}.steps.${name}: a step must be a function`)
  const refs = Object.fromEntries(
    Object.keys(steps).map((name) => [name, { _tag: 'StepRef', name } satisfies StepRef]),
  ) as StepRefs<S>
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
    steps,
    outline,
    hooks: config.hooks ?? {},
    context: (inputs) => (config.context === undefined ? {} : config.context(inputs)),
    killChildren: config.killChildren ?? true,
    getDescription: () => ({
      ...(spec.getDescription() as object),
      outline: body.describe(),
    }),
  }
}
