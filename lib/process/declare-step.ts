/**
 * `step(options, fn)`: a step of a plain process that declares its arguments with a codec.
 *
 *   greet: step({ args: t.tuple([t.string]) }, (_ctx, { args }) => out('greeting', args[0])),
 *
 * Inside the step `args` is typed by the codec (`readonly [string]`); `Continue('greet', 5)` from
 * another step is a type error, and at run time arguments that do not decode are refused where
 * they enter: a `Continue` to the step fails the step that returned it, and `resume(value)` of a
 * `Wait` for it throws `InvalidResumeValueError` and leaves the process waiting.
 */
import type { Draft } from 'immer'
import type * as t from 'io-ts'
import { decodeAt } from '../ports/decode.js'
import { formatValidationErrors } from '../ports/errors.js'
import type { ProcessContext } from './process-steps.js'
import type { StepView } from './view.js'

/** The type-only key under which a declared step carries its arguments' type. */
declare const STEP_ARGS: unique symbol

/** What a step declares. */
export interface StepOptions<A extends readonly unknown[], O> {
  /**
   * The codec of the step's arguments, a tuple codec such as `t.tuple([t.string])`. Decoding must
   * only check, never convert (the decoded type must fit the encoded one, as it does for
   * `t.string`, `t.Int` or `t.type(...)`, but not for a `NumberFromString`): arguments are kept
   * as given, in the position and in its checkpoints, and handed to the step as they are.
   */
  readonly args: t.Type<A, O, unknown> & ChecksOnly<A, O>
}

/** Refuses, at the codec, one whose decoded type does not fit its encoded type. */
type ChecksOnly<A, O> = [A] extends [O]
  ? unknown
  : { readonly 'an args codec must not convert: its decoded type must fit its encoded one': never }

/** A step made by `step(...)`: a step function that knows the type of its arguments. */
export interface DeclaredStep<A extends readonly unknown[], I, R> {
  (ctx: Draft<ProcessContext>, view: StepView<I, Readonly<A>>): R
  /** Type only, never set: the declared arguments. */
  readonly [STEP_ARGS]?: A
}

/** The arguments a step function declares, or `readonly unknown[]` when it declares none. */
export type ArgsOfStep<F> = typeof STEP_ARGS extends keyof F
  ? F extends { readonly [STEP_ARGS]?: infer A }
    ? Readonly<Extract<A, readonly unknown[]>>
    : readonly unknown[]
  : readonly unknown[]

const codecs = new WeakMap<object, t.Decoder<unknown, unknown>>()

/**
 * Declare a step's arguments: `step({ args: t.tuple([t.number]) }, (ctx, { args }) => …)`. Only
 * plain processes have arguments (work chain steps take none, and refuse a declared step).
 *
 * @example
 * const Greeter = defineProcess({
 *   name: 'Greeter',
 *   spec: { inputs: { who: input(t.string) }, outputs: { greeting: output(t.string) } },
 *   steps: {
 *     run: (_ctx, { inputs }) => Continue('greet', inputs.who),
 *     greet: step({ args: t.tuple([t.string]) }, (_ctx, { args }) =>
 *       out('greeting', `hello ${args[0]}`),
 *     ),
 *   },
 * })
 */
export function step<const A extends readonly unknown[], O, I = any, R = unknown>(
  options: StepOptions<A, O>,
  fn: (ctx: Draft<ProcessContext>, view: StepView<I, Readonly<A>>) => R,
): DeclaredStep<A, I, R> {
  const declared = (ctx: Draft<ProcessContext>, view: StepView<I, Readonly<A>>): R => fn(ctx, view)
  codecs.set(declared, options.args)
  return declared
}

/** The codec a step declared for its arguments with `step(...)`, if any. */
export const argsCodecOf = (fn: unknown): t.Decoder<unknown, unknown> | undefined =>
  typeof fn === 'function' ? codecs.get(fn) : undefined

/**
 * Why `args` cannot be the arguments of the step `fn`: the reasons its codec gives, with paths
 * (`args[0]: expected string, got 5`); undefined when they can, or when `fn` declares nothing.
 */
export const argumentsProblem = (fn: unknown, args: readonly unknown[]): string | undefined => {
  const codec = argsCodecOf(fn)
  if (codec === undefined) return undefined
  const decoded = decodeAt(codec, args, 'args')
  return decoded._tag === 'Left' ? formatValidationErrors(decoded.left) : undefined
}

/** A `Continue` gave a step arguments its codec refuses: the step that returned it fails. */
export class InvalidArgumentsError extends Error {
  override readonly name = 'InvalidArgumentsError'
  constructor(
    readonly definition: string,
    readonly step: string,
    readonly reason: string,
  ) {
    super(`${definition}.${step} refuses the arguments Continue gave it: ${reason}`)
  }
}
