/**
 * The public `defineProcess`: the pure definition plus `create`, which validates the inputs and
 * makes a process on a runner (the default one unless you pass yours).
 */
import type {
  Fields,
  InputsOf,
  NamespaceOptions,
  NoOptions as NoFields,
  OutputsOf,
  RawInputsOf,
} from '../ports/index.js'
import type { ProcessDefinition } from '../process/definition.js'
import type { ProcessContext, ProcessResultOf } from '../process/process-steps.js'
import type { ChainResultOf } from '../workchain/chain-steps.js'
import { defineWorkChainDefinition, type WorkChainConfig } from '../workchain/define-workchain.js'
import type { Block } from '../workchain/outline.js'
import {
  defineProcessDefinition,
  type OutputsRoot,
  type ProcessConfig,
} from '../process/define-process.js'
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

/**
 * A definition you can create processes from. Its type parameters are those of
 * `ProcessDefinition`: parsed inputs, raw inputs, outputs, context, steps and result.
 */
export interface Definition<I = any, R = any, O = any, Ctx = any, S = any, Res = any>
  extends ProcessDefinition<I, R, O, Ctx, S, Res> {
  /**
   * Validate `inputs` and create a process in CREATED (an `InvalidInputsError` listing every bad
   * path when they are wrong; nothing is created then).
   */
  create(...args: CreateArgs<R, ProcessHandle<I, O, Res>>): ProcessHandle<I, O, Res>
}

/** Give a pure definition its `create`. */
export const withCreate = <I, R, O, Ctx, S, Res>(
  definition: ProcessDefinition<I, R, O, Ctx, S, Res>,
): Definition<I, R, O, Ctx, S, Res> => {
  const created: Definition<I, R, O, Ctx, S, Res> = {
    ...definition,
    create: (...args: CreateArgs<R, ProcessHandle<I, O, Res>>) => {
      const [inputs, options] = args
      const runner = options?.runner ?? defaultRunner()
      return runner.create(created, inputs, options ?? {})
    },
  }
  return created
}

/** What `defineProcess` gives: a definition typed from its spec and its steps. */
export type ProcessDefinitionOf<FI, FO, OO, S> = Definition<
  InputsOf<FI>,
  RawInputsOf<FI>,
  OutputsOf<OutputsRoot<FO, OO>>,
  ProcessContext,
  S,
  ProcessResultOf<S>
>

/** What `defineWorkChain` gives: a definition typed from its spec, context and steps. */
export type WorkChainDefinitionOf<FI, FO, OO, Ctx, S> = Definition<
  InputsOf<FI>,
  RawInputsOf<FI>,
  OutputsOf<OutputsRoot<FO, OO>>,
  Ctx,
  S,
  ChainResultOf<S>
> & { readonly outline: Block }

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
  const OO extends NamespaceOptions = NoFields,
  S = unknown,
>(
  config: ProcessConfig<FI, FO, OO, S>,
): ProcessDefinitionOf<FI, FO, OO, S> => withCreate(defineProcessDefinition<FI, FO, OO, S>(config))

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
  const OO extends NamespaceOptions = NoFields,
  Ctx extends object = NoFields,
  S = unknown,
>(
  config: WorkChainConfig<FI, FO, OO, Ctx, S>,
): WorkChainDefinitionOf<FI, FO, OO, Ctx, S> => {
  const definition = defineWorkChainDefinition<FI, FO, OO, Ctx, S>(config)
  return { ...withCreate(definition), outline: definition.outline }
}
