/**
 * The public `defineProcess`: the pure definition plus `create`, which validates the inputs and
 * makes a process on a runner (the default one unless you pass yours).
 */
import type {
  Fields,
  InputsOf,
  NoOptions as NoFields,
  OutputsOf,
  RawInputsOf,
} from '../ports/index.js'
import type { ProcessDefinition } from '../process/definition.js'
import { defineWorkChainDefinition, type WorkChainConfig } from '../workchain/define-workchain.js'
import { defineProcessDefinition, type ProcessConfig } from '../process/define-process.js'
import type { ProcessHandle } from './handle.js'
import { defaultRunner, type CreateOptions, type Runner } from './runner.js'

/** Options of `create`: a runner and the per-process options. */
export interface CreateProcessOptions<P> extends CreateOptions<P> {
  readonly runner?: Runner
}

/** The arguments of `create`: inputs may be left out when none is required. */
export type CreateArgs<R, P> = NoFields extends R
  ? [inputs?: R, options?: CreateProcessOptions<P>]
  : [inputs: R, options?: CreateProcessOptions<P>]

/** A definition you can create processes from. */
export interface Definition<I = any, R = any, O = any> extends ProcessDefinition<I, R, O> {
  /**
   * Validate `inputs` and create a process in CREATED (an `InvalidInputsError` listing every bad
   * path when they are wrong; nothing is created then).
   */
  create(...args: CreateArgs<R, ProcessHandle<I, O>>): ProcessHandle<I, O>
}

/** Give a pure definition its `create`. */
export const withCreate = <I, R, O>(
  definition: ProcessDefinition<I, R, O>,
): Definition<I, R, O> => {
  const created: Definition<I, R, O> = {
    ...definition,
    create: (...args: CreateArgs<R, ProcessHandle<I, O>>) => {
      const [inputs, options] = args
      const runner = options?.runner ?? defaultRunner()
      return runner.create(created, inputs, options ?? {})
    },
  }
  return created
}

/**
 * Define a plain process: a spec and named steps (`run` first).
 *
 * @example
 * const Hello = defineProcess({
 *   name: 'Hello',
 *   spec: { inputs: { who: input(t.string) }, outputs: { greeting: output(t.string) } },
 *   steps: { run: (_ctx, { inputs, out }) => out('greeting', `hello ${inputs.who}`) },
 * })
 * const outputs = await Hello.create({ who: 'world' }).execute() // { greeting: 'hello world' }
 */
export const defineProcess = <
  const FI extends Fields = NoFields,
  const FO extends Fields = NoFields,
>(
  config: ProcessConfig<FI, FO>,
) => withCreate(defineProcessDefinition<FI, FO>(config))

/**
 * Define a work chain: a spec, a context, steps and an outline.
 *
 * @example
 * const WhileWorkChain = defineWorkChain({
 *   name: 'WhileWorkChain',
 *   spec: { inputs: { steps: input(t.number, { default: 3 }) } },
 *   context: () => ({ iterator: 0 }),
 *   steps: {
 *     initStep(ctx) { ctx.iterator = 0 },
 *     whileStep(ctx, { inputs }) { ctx.iterator += 1; return ctx.iterator <= inputs.steps },
 *     conditionalStep(ctx) { console.log('step', ctx.iterator) },
 *   },
 *   outline: (s) => [s.initStep, while_(s.whileStep)(s.conditionalStep)],
 * })
 * await WhileWorkChain.create().execute()
 */
export const defineWorkChain = <
  const FI extends Fields = NoFields,
  const FO extends Fields = NoFields,
  Ctx extends object = NoFields,
  S = NoFields,
>(
  config: WorkChainConfig<FI, FO, Ctx, S>,
) => {
  const definition = defineWorkChainDefinition<FI, FO, Ctx, S>(config)
  // The steps keep their own types, so that a test can call one and step it by hand.
  return { ...withCreate(definition), outline: definition.outline } as ReturnType<
    typeof withCreate<InputsOf<FI>, RawInputsOf<FI>, OutputsOf<FO>>
  > & { readonly outline: typeof definition.outline; readonly steps: S }
}
