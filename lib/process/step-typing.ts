/**
 * How the `steps` of a definition are typed, for every kind of definition. Type only.
 *
 * TypeScript infers a definition's steps object `S` from the steps themselves, so the type of a
 * step cannot depend on `S` while the step is being checked. A definition therefore types its
 * steps twice, by what the compiler knows at the time:
 *
 * - while `S` is being inferred (`unknown`, or a partial `S` whose entries for the steps not yet
 *   checked are `unknown`), each such step gets its *contextual* type: its parameters, and a
 *   return type listing the commands it may give, so that `out(...)` inside it is checked
 *   against the outputs at the offending argument;
 * - once `S` is known, each step is *judged*: what it returns and yields is compared with what
 *   its definition allows (step names in `Continue`/`Wait`, arguments, output values, results),
 *   and an error lands on the step that breaks a rule.
 *
 * The steps parameter is `{ [K in keyof S]: S[K] } & NoInfer<shape>`: the mapped part infers
 * `S` (partially already in the first pass, from the steps without parameters), the shape part
 * only checks.
 */
import type { Draft } from 'immer'
import type { Out } from '../commands/instant.js'
import type { Yieldable } from '../commands/yieldable.js'

/** Anything that is a command (they all extend `Yieldable`, and carry its brand). */
export type AnyCommand = Yieldable<unknown>

/**
 * What a kind of step may give: the commands a plain step may return, those a generator step may
 * yield and those it may end with (return), and the values that are not commands a plain step
 * (`values`) and a generator step (`endValues`) may return: `unknown` for a process, whose
 * result that is. `outputs` is the definition's output map: an `out` typed by it was checked
 * where it was written, and is not judged again (which would report a wrong `out` twice).
 */
export interface StepRules {
  readonly returns: unknown
  readonly yields: unknown
  readonly ends: unknown
  readonly values: unknown
  readonly endValues: unknown
  readonly outputs: unknown
}

/** Whether `C` is an `out` checked against exactly the output map `M`. */
type CheckedOut<C, M> =
  C extends Out<string, unknown, infer Checked>
    ? [Checked] extends [M]
      ? [M] extends [Checked]
        ? true
        : false
      : false
    : false

/**
 * `R` where every part of it is allowed, and what is allowed in place of each part that is not:
 * `R` is assignable to `Judged<R, …>` exactly when every part is allowed, and the error names the
 * part that is not.
 */
type Judged<R, Commands, Values, Outputs> = R extends AnyCommand
  ? R extends Commands
    ? R
    : CheckedOut<R, Outputs> extends true
      ? R
      : Commands
  : R extends Values
    ? R
    : Values

/** Judge a yielded value: commands only. */
type JudgedYield<Y, Commands, Outputs> = Y extends AnyCommand
  ? Y extends Commands
    ? Y
    : CheckedOut<Y, Outputs> extends true
      ? Y
      : Commands
  : Commands

/** What a step returning `R` is judged against: a generator's yields and end, or a plain return. */
export type JudgedReturn<R, Rules extends StepRules> =
  R extends Generator<infer Y, infer End, infer Next>
    ? Generator<
        JudgedYield<Y, Rules['yields'], Rules['outputs']>,
        Judged<End, Rules['ends'], Rules['endValues'], Rules['outputs']>,
        Next
      >
    : Judged<R, Rules['returns'], Rules['values'], Rules['outputs']>

/** The return type of a step function (never for a value that is not one). */
export type ReturnOfStep<F> = F extends (...args: any) => infer R ? R : never

/** A step judged against `Rules`, with the parameters its definition gives it. */
export type JudgedStep<F, Ctx, View, Rules extends StepRules> = (
  ctx: Draft<Ctx>,
  view: View,
) => JudgedReturn<ReturnOfStep<F>, Rules>

/** The steps of `S` not yet inferred (`unknown` in a partial `S`). */
type UnsettledSteps<S> = { [K in keyof S]: unknown extends S[K] ? K : never }[keyof S]

/**
 * The return type a step is contextually typed with while `S` is being inferred, as a function
 * that takes nothing it could be called with: merged with the parameters part of a steps
 * parameter (see {@link StepsParam}), it adds this return type and no parameter type.
 */
export type ContextualReturn<R> = (ctx: never, view: never) => R

/**
 * The checking half of a steps parameter, by what the compiler knows of `S`:
 *
 * - nothing (`unknown`: every step has parameters, and none is checked yet): every step gets
 *   `Contextual`, its return type (see {@link ContextualReturn});
 * - part of it (the compiler's first pass inferred the steps without parameters): the others
 *   get `Keyed`, their whole contextual type, and the inferred ones are not judged yet
 *   (`unknown`: judging them against a partial `S` would fail the first pass and leave every
 *   other step without its contextual type). With `Keyed` `never`, nothing is added and the
 *   parameters part alone types the steps (see `ChainStepsParam`);
 * - all of it: every step gets `Judged` (a mapped type over `S`).
 */
export type StepsShape<S, Contextual, Keyed, Judged> = unknown extends S
  ? { readonly [name: string]: Contextual }
  : [UnsettledSteps<S>] extends [never]
    ? Judged
    : [Keyed] extends [never]
      ? unknown
      : { readonly [K in keyof S]: unknown extends S[K] ? Keyed : unknown }

/**
 * The `steps` parameter of a definition: infers `S`, checks it against `Shape`, and gives every
 * step its parameters (`Params`, an object type the compiler instantiates only once it has fixed
 * the context type, which a work chain infers from its `context` initialiser). `Params` comes
 * last: a generic call in the steps (`step(...)`) infers from the last signature it is given.
 */
export type StepsParam<S, Params, Shape> = Inferring<S> & NoInfer<Shape> & Params

/**
 * Infers `S` from the steps, partially already in the compiler's first pass (a homomorphic
 * mapped type). Its template is `unknown` while `S` is not inferred at all (`never` is what an
 * uninferred `S` is when a call in the steps, `step(...)`, reads its contextual type), so that
 * it never turns the whole parameter into `never` for that call.
 */
type Inferring<S> = { [K in keyof S]: [S] extends [never] ? unknown : S[K] }

/**
 * The parameters part of a steps parameter: any step taking a context draft `DraftCtx` and a view
 * `View`. A method type, so that its parameters are bivariant: a step declared with `step(...)`
 * takes a view with narrower arguments.
 */
export type StepParams<DraftCtx, View> = {
  readonly [name: string]: { step(ctx: DraftCtx, view: View): unknown }['step']
}
