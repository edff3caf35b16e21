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
 */
import {
  buildSpec,
  type ProcessSpec,
  type Fields,
  type InputsOf,
  type NamespaceOptions,
  type OutputPath,
  type OutputsOf,
  type OutputValue,
  type RawInputsOf,
  type NoOptions as NoFields,
} from '../ports/index.js'
import type { Hooks, ProcessDefinition, StepFn } from './definition.js'
import { processBody } from './process-body.js'
import type { StepView } from './view.js'

/** The spec part of a definition: typed ports, exit codes, root namespace options. */
export interface SpecConfig<FI extends Fields, FO extends Fields> {
  readonly inputs?: FI
  readonly outputs?: FO
  readonly exitCodes?: Readonly<
    Record<string, { readonly status: number; readonly message: string }>
  >
  readonly inputsOptions?: NamespaceOptions
  readonly outputsOptions?: NamespaceOptions
}

/** Output paths mapped to their value types, for the typed `out`. */
export type OutputValues<FO extends Fields> = { [P in OutputPath<FO>]: OutputValue<FO, P> }

/** The view the steps of a definition with these inputs receive. */
export type ViewOf<FI extends Fields> = StepView<InputsOf<FI>>

/** What `defineProcess` takes. */
export interface ProcessConfig<FI extends Fields, FO extends Fields> {
  readonly name: string
  /** Bump when a change makes old checkpoints mean something else (see migrations). */
  readonly version?: number
  readonly spec?: SpecConfig<FI, FO>
  readonly steps: Readonly<Record<string, StepFn<Record<string, unknown>, ViewOf<FI>>>>
  /** The first step; defaults to `run` when there is one, else the first step listed. */
  readonly entry?: string
  readonly hooks?: Hooks
  /** Kill the children a killed process waits on (default true). */
  readonly killChildren?: boolean
}

/** A plain process definition with its types inferred from the spec. */
export type ProcessDef<FI extends Fields, FO extends Fields> = ProcessDefinition<
  InputsOf<FI>,
  RawInputsOf<FI>,
  OutputsOf<FO>
>

/** Build a plain process definition (pure: nothing runs until a runner creates a process). */
export const defineProcessDefinition = <
  const FI extends Fields = NoFields,
  const FO extends Fields = NoFields,
>(
  config: ProcessConfig<FI, FO>,
): ProcessDef<FI, FO> => {
  // The spec's own generics are checked where the config is typed; here it is built as data.
  const spec = (buildSpec as unknown as (definition: unknown) => ProcessSpec<any, any, any>)(
    config.spec ?? {},
  )
  const steps = config.steps as Readonly<Record<string, StepFn>>
  const body = processBody(config.name, steps, config.entry)
  return {
    _tag: 'ProcessDefinition',
    kind: 'process',
    name: config.name,
    version: config.version ?? 1,
    spec,
    body,
    steps,
    hooks: config.hooks ?? {},
    context: () => ({}),
    killChildren: config.killChildren ?? true,
    getDescription: () => spec.getDescription(),
  }
}
