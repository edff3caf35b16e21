/**
 * What the steps of a work chain may give, as types (see `process/step-typing.ts` for how a
 * definition applies them), and the step references its outline is built from. Type only.
 *
 * - the outline decides what runs next: a step never returns or yields `Continue` or `Wait`;
 * - a step returns nothing, or a command that ends the chain (`Stop`, `Kill`, `unsuccessful`,
 *   `exitCode`), an instant command, or `toContext(...)`; a predicate returns a boolean;
 * - `out(port, value)` names an output port of the spec, with a value of its type;
 * - a step that returns a boolean is a predicate: the outline may use it in `if_`, `elif_` and
 *   `while_` only, and may not use any other step there.
 */
import type { Draft } from 'immer'
import type { ToContext, SuspendCommand } from '../commands/suspend.js'
import type { NoOptions as NoFields, OutputValues } from '../ports/index.js'
import type { EndingCommand, InstantOf, ResultOfCommand } from '../process/process-steps.js'
import type {
  ContextualReturn,
  JudgedStep,
  ReturnOfStep,
  StepParams,
  StepsParam,
  StepsShape,
} from '../process/step-typing.js'
import type { StepView } from '../process/view.js'
import type { PredicateRef, StepRef } from './outline.js'

/** What the steps of a work chain with outputs root `X` may give. */
export interface WorkChainRules<X> {
  readonly returns: EndingCommand | InstantOf<X> | ToContext<unknown>
  readonly yields: EndingCommand | InstantOf<X> | SuspendCommand
  readonly ends: EndingCommand | ToContext<unknown>
  readonly values: void | undefined | boolean
  readonly endValues: void | undefined
  readonly outputs: OutputValues<X>
}

/** The commands a work chain step is contextually typed with. */
export type ContextualChainReturn<X> =
  | WorkChainRules<X>['returns']
  | Generator<WorkChainRules<X>['yields'], WorkChainRules<X>['ends'], unknown>

/** The `steps` parameter of `defineWorkChain`: steps `S`, context `Ctx`, inputs `I`, outputs `X`. */
export type ChainStepsParam<S, Ctx, I, X> = StepsParam<
  S,
  // `NoInfer`: the steps' own parameters must not be inferred back into the context.
  StepParams<Draft<NoInfer<Ctx>>, StepView<I>>,
  StepsShape<
    S,
    ContextualReturn<ContextualChainReturn<X>>,
    // The context is known here only when the compiler inferred it in its first pass (from a
    // `context` without parameters); a context it has not inferred yet reads as `{}`, and then
    // the parameters part, which it fixes later, types the steps alone.
    NoFields extends Ctx ? never : (ctx: Draft<Ctx>, view: StepView<I>) => ContextualChainReturn<X>,
    { readonly [K in keyof S]: JudgedStep<S[K], Ctx, StepView<I>, WorkChainRules<X>> }
  >
>

/**
 * The reference the outline function receives for each step: a `PredicateRef` for a step that
 * returns a boolean, a `StepRef` for any other (and a reference that fits both for a step that
 * returns `any`).
 */
export type StepRefs<S> = { readonly [K in keyof S & string]: RefTo<K, ReturnOfStep<S[K]>> }

type RefTo<K extends string, R> = 0 extends 1 & R
  ? { readonly _tag: 'StepRef'; readonly name: K; readonly runsAs?: never }
  : [R] extends [never]
    ? StepRef<K>
    : [R] extends [boolean]
      ? PredicateRef<K>
      : StepRef<K>

/**
 * The result of a work chain with steps `S`: `undefined` (its outline ends, or `return_`), or
 * what a step gives `Stop(x)` or `unsuccessful(x)`.
 */
export type ChainResultOf<S> = undefined | { [K in keyof S]: StopsIn<ReturnOfStep<S[K]>> }[keyof S]

type StopsIn<R> =
  R extends Generator<infer Y, infer End, any>
    ? ResultOfCommand<Y> | ResultOfCommand<End>
    : ResultOfCommand<R>
