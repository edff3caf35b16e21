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
import type { Duration } from '../commands/duration.js'
import { toMilliseconds } from '../commands/duration.js'
import { decodeAt } from '../ports/decode.js'
import { retryPlan, type RetryPlan, type RetryPolicy } from '../retry/policy.js'
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
  /** Run a failed attempt again after a durable wait (see `RetryOptions`). */
  readonly retry?: RetryPolicy
  /** How long the step may wait on awaited work (see `RetryOptions`). */
  readonly timeout?: Duration
}

/**
 * What any step (of a process or a work chain) may declare besides its arguments. `retry`: a
 * failed attempt (the step threw, or what it awaited failed or timed out) waits on a durable
 * timer and runs the step again, from the context it was entered with when it suspended inside
 * itself. `timeout`: the longest the step may wait on awaited work each time it suspends; then
 * the work is cancelled like a race's loser and the attempt fails with a `TimeoutError`. A step
 * body is synchronous: a timeout cannot stop it while it runs, only what it waits for.
 */
export interface RetryOptions {
  readonly retry?: RetryPolicy
  readonly timeout?: Duration
}

/** A step's retry plan and timeout, read once when the step is declared. */
export interface StepGuard {
  readonly retry: RetryPlan | undefined
  readonly timeoutMs: number | undefined
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
): DeclaredStep<A, I, R>
/**
 * Declare how a step retries and how long it may wait, for a step of a process or a work chain:
 * `fetch: step({ retry: { maxAttempts: 3, initialDelay: '10s' }, timeout: '1m' }, function* …)`.
 */
export function step<I = any, R = unknown>(
  options: RetryOptions,
  fn: (ctx: Draft<any>, view: StepView<I>) => R,
): (ctx: Draft<any>, view: StepView<I>) => R
export function step(
  options: RetryOptions & { readonly args?: t.Decoder<unknown, unknown> },
  fn: (ctx: any, view: any) => unknown,
): unknown {
  const declared = (ctx: unknown, view: unknown): unknown => fn(ctx, view)
  if (options.args !== undefined) codecs.set(declared, options.args)
  const guard = guardOf(options)
  if (guard !== undefined) guards.set(declared, guard)
  return declared
}

const guards = new WeakMap<object, StepGuard>()

const guardOf = (options: RetryOptions): StepGuard | undefined => {
  if (options.retry === undefined && options.timeout === undefined) return undefined
  return {
    retry: options.retry === undefined ? undefined : retryPlan(options.retry, 'step: retry'),
    timeoutMs: options.timeout === undefined ? undefined : timeoutMs(options.timeout),
  }
}

const timeoutMs = (timeout: Duration): number => {
  const ms = toMilliseconds(timeout)
  if (ms <= 0) throw new RangeError(`step: timeout must be longer than 0 ms, got ${ms}`)
  return ms
}

/** The retry plan and timeout a step declared with `step(...)`, if any. */
export const stepGuardOf = (fn: unknown): StepGuard | undefined =>
  typeof fn === 'function' ? guards.get(fn) : undefined

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
  override readonly name: string = 'InvalidArgumentsError'
  constructor(
    readonly definition: string,
    readonly step: string,
    readonly reason: string,
  ) {
    super(`${definition}.${step} refuses the arguments Continue gave it: ${reason}`)
  }
}

/**
 * A resume kept before the process waited gave a `Wait(step)` arguments the step's codec refuses
 * (a resume that came while it waited was refused at once instead): the resumed step fails.
 */
export class InvalidResumeArgumentsError extends InvalidArgumentsError {
  override readonly name = 'InvalidResumeArgumentsError'
  constructor(definition: string, step: string, reason: string) {
    super(definition, step, reason)
    this.message = `${definition}.${step} refuses the arguments the kept resume gave it: ${reason}`
  }
}
