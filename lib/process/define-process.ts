/**
 * `defineProcess`: a plain process as a value. Steps are named functions (plain or generator);
 * `Continue`/`Wait` name the next one, so where a process is, is always data.
 *
 * @example
 * const Double = defineProcess({
 *   name: 'Double',
 *   spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
 *   steps: {
 *     run: (_ctx, { inputs }) => out('y', inputs.x * 2),
 *   },
 * })
 *
 * The steps are typed from the definition: `out` from the spec's outputs, `Continue` and `Wait`
 * from the step names (and the arguments a step declares with `step(...)`); see
 * `process-steps.ts` for the rules.
 */
import {
  buildSpec,
  type ProcessSpec,
  type Fields,
  type InputsOf,
  type NamespaceDescriptor,
  type NamespaceOptions,
  type OutputsOf,
  type RawInputsOf,
  type NoOptions as NoFields,
} from '../ports/index.js'
import type { Signal } from '../commands/signal.js'
import type { Hooks, ProcessDefinition, StepFn } from './definition.js'
import { processBody } from './process-body.js'
import type { ProcessContext, ProcessResultOf, ProcessStepsParam } from './process-steps.js'
import type { StepView } from './view.js'

/**
 * The spec part of a definition: typed ports, exit codes, root namespace options. `OO`, the
 * options of the root outputs namespace, is kept in the type: a dynamic root lets steps emit
 * outputs under any name.
 */
export interface SpecConfig<FI extends Fields, FO extends Fields, OO = NamespaceOptions> {
  readonly inputs?: FI
  readonly outputs?: FO
  readonly exitCodes?: Readonly<
    Record<string, { readonly status: number; readonly message: string }>
  >
  /**
   * The signals the process accepts (`signal(name, codec)`): then a signal of another name is
   * refused where it enters, and every payload is checked by its codec at once, even one that
   * arrives before a step waits for it. Without it, any name is taken and a payload that arrives
   * early is checked when the wait for it starts.
   */
  readonly signals?: readonly Signal<any>[]
  readonly inputsOptions?: NamespaceOptions
  readonly outputsOptions?: OO
}

/** The root outputs namespace of a spec: its fields and its options. */
export type OutputsRoot<FO, OO> = NamespaceDescriptor<FO, OO>

/** The view the steps of a definition with these inputs receive. */
export type ViewOf<FI extends Fields> = StepView<InputsOf<FI>>

/**
 * What `defineProcess` takes. `S` is the steps object as written: step names in `Continue`,
 * `Wait` and `entry`, the arguments a step declares with `step(...)`, and the result are all read
 * from it (see `process-steps.ts`).
 */
export interface ProcessConfig<FI extends Fields, FO extends Fields, OO, S> {
  readonly name: string
  /** Bump when a change makes old checkpoints mean something else (see migrations). */
  readonly version?: number
  readonly spec?: SpecConfig<FI, FO, OO>
  readonly steps: ProcessStepsParam<S, InputsOf<FI>, OutputsRoot<FO, OO>>
  /** The first step; defaults to `run` when there is one, else the first step listed. */
  readonly entry?: NoInfer<keyof S & string>
  readonly hooks?: Hooks
  /** Kill the children a killed process waits on (default true). */
  readonly killChildren?: boolean
}

/** A plain process definition with its types inferred from the spec and the steps. */
export type ProcessDef<FI extends Fields, FO extends Fields, OO, S> = ProcessDefinition<
  InputsOf<FI>,
  RawInputsOf<FI>,
  OutputsOf<OutputsRoot<FO, OO>>,
  ProcessContext,
  S,
  ProcessResultOf<S>
>

/**
 * The hooks of a definition that declares none: one shared, frozen table, so that a host can
 * skip a hook effect without looking its name up (three lookups of missing names per step).
 */
export const NO_HOOKS: Hooks = Object.freeze({})

/** Build a plain process definition (pure: nothing runs until a runner creates a process). */
export const defineProcessDefinition = <
  const FI extends Fields = NoFields,
  const FO extends Fields = NoFields,
  const OO extends NamespaceOptions = NoFields,
  S = unknown,
>(
  config: ProcessConfig<FI, FO, OO, S>,
): ProcessDef<FI, FO, OO, S> => {
  // The spec's own generics are checked where the config is typed; here it is built as data.
  const spec = (buildSpec as unknown as (definition: unknown) => ProcessSpec<any, any, any>)(
    config.spec ?? {},
  )
  const steps = config.steps as unknown as Readonly<Record<string, StepFn>>
  const body = processBody(config.name, steps, config.entry)
  return {
    _tag: 'ProcessDefinition',
    kind: 'process',
    name: config.name,
    version: config.version ?? 1,
    spec,
    body,
    steps: steps as S,
    hooks: config.hooks ?? NO_HOOKS,
    context: () => ({}),
    killChildren: config.killChildren ?? true,
    getDescription: () => spec.getDescription(),
  }
}
