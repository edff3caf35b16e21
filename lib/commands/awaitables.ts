/**
 * What a step may await: a child process to launch, or a promise the runtime will watch. Both are
 * descriptions; the runtime launches and watches them after the step returns.
 */
import type { NoOptions as NoFields } from '../ports/index.js'
import type { Signal } from './signal.js'
import { toMilliseconds, type Duration } from './duration.js'
import { retryPlan, type RetryPlan, type RetryPolicy } from '../retry/policy.js'
import type {
  AnyDefinition,
  OutputsOfDefinition,
  RawInputsOfDefinition,
} from '../process/definition.js'

/** Launch `definition` with `inputs` as a child; its outputs are the awaited value. */
export interface Launch<O = unknown> {
  readonly _tag: 'Launch'
  readonly definition: AnyDefinition
  readonly inputs: unknown
  /** Left running when its parent stops waiting for it (a lost race, a kill): `detached(...)`. */
  readonly detached?: true
  /** How long the parent waits for it (ms) before it is killed and the wait fails. */
  readonly timeout?: number
  /** How a failed child is launched again (see `AwaitOptions.retry`). */
  readonly retry?: RetryPlan
  /** Type only: the child's outputs, which are what awaiting it gives. */
  readonly _outputs?: O
}

/**
 * A promise, or a function that starts one (started by the runtime once the step has returned,
 * which keeps the step itself free of effects).
 */
export interface Task<T = unknown> {
  readonly _tag: 'Task'
  readonly start: () => PromiseLike<T>
  /** How long the step waits for it (ms) before it is abandoned and the wait fails. */
  readonly timeout?: number
  /** How a failed task is started again (see `AwaitOptions.retry`). */
  readonly retry?: RetryPlan
}

/**
 * What a launched child or a task may declare.
 *
 * `timeout`: the longest the step waits for one attempt (the same forms as `sleep`); then it is
 * cancelled like a race's loser (a child is killed unless detached, a task abandoned) and the
 * attempt fails with a `TimeoutError`.
 *
 * `retry`: the same policy a step declares (`{ maxAttempts, initialDelay, factor, maxDelay,
 * retryOn }`), for this entry alone. A failed attempt (the child EXCEPTED or KILLED by someone
 * else, the task rejected, the timeout elapsed) that `retryOn` accepts, with attempts left, does
 * not settle the entry: it waits on a durable backoff timer, then the child is launched again
 * (same definition and inputs) or the task's `start` called again. Once the attempts are spent
 * the wait fails with an error naming the entry, the attempts and the last error; a retry policy
 * of the step itself applies after that.
 */
export interface AwaitOptions {
  readonly timeout?: Duration
  readonly retry?: RetryPolicy
}

const optionFields = (
  options: AwaitOptions | undefined,
  where: string,
): { readonly timeout?: number; readonly retry?: RetryPlan } => ({
  ...timeoutField(options),
  ...(options?.retry === undefined ? {} : { retry: retryPlan(options.retry, `${where}.retry`) }),
})

const timeoutField = (options: AwaitOptions | undefined): { readonly timeout?: number } => {
  if (options?.timeout === undefined) return {}
  const ms = toMilliseconds(options.timeout)
  if (ms <= 0) throw new RangeError(`an await's timeout must be longer than 0 ms, got ${ms}`)
  return { timeout: ms }
}

/** An already running promise handed over by a step (plumpy's `to_context(x=future)`). */
export interface PromiseAwaitable<T = unknown> {
  readonly _tag: 'Promise'
  readonly promise: PromiseLike<T>
}

/**
 * A durable timer (made by `sleep` / `sleepUntil`): after `ms`, or at the instant `until`. The
 * host turns it into an absolute deadline from its clock when the wait starts.
 */
export interface Timer {
  readonly _tag: 'Timer'
  readonly ms: number | undefined
  readonly until: number | undefined
}

/** A wait for a signal (made by `waitForSignal`): settles with its payload. */
export interface SignalWait<T = unknown> {
  readonly _tag: 'SignalWait'
  readonly signal: Signal<T>
}

/** Everything a step can await. */
export type Awaitable = Launch | Task | PromiseAwaitable | Timer | SignalWait

/** Describe a child launch: the child runs on the same runner once the step has returned. */
export const launch = <D extends AnyDefinition>(
  definition: D,
  ...rest: NoFields extends RawInputsOfDefinition<D>
    ? [inputs?: RawInputsOfDefinition<D>, options?: AwaitOptions]
    : [inputs: RawInputsOfDefinition<D>, options?: AwaitOptions]
): Launch<OutputsOfDefinition<D>> => ({
  _tag: 'Launch',
  definition,
  inputs: rest[0] ?? {},
  ...optionFields(rest[1], `launch(${definition.name})`),
})

/**
 * Describe asynchronous work: `start` is called by the runtime after the step has returned;
 * `task(start, { timeout: '30s' })` gives up on it after 30s; `task(start, { retry: {
 * maxAttempts: 3 } })` starts it again after a failure.
 */
export const task = <T>(start: () => PromiseLike<T>, options?: AwaitOptions): Task<T> => ({
  _tag: 'Task',
  start,
  ...optionFields(options, 'task'),
})

/**
 * A command that stands for an awaitable inside `race`/`all`/`toContext` (`sleep(...)`,
 * `waitForSignal(...)`).
 */
export interface AwaitableCommand<A extends Awaitable = Awaitable> {
  readonly _tag: 'Sleep' | 'WaitForSignal'
  readonly awaitable: A
}

/** Anything a step may hand to `toContext`: an awaitable description or a promise. */
export type AwaitableLike = Awaitable | AwaitableCommand | PromiseLike<unknown>

/** The value awaiting `A` gives: a child's outputs, a task's or a promise's result. */
export type AwaitedValue<A> =
  A extends Launch<infer O>
    ? O
    : A extends Task<infer T>
      ? T
      : A extends PromiseAwaitable<infer T>
        ? T
        : A extends Timer | AwaitableCommand<Timer>
          ? number
          : A extends SignalWait<infer T> | AwaitableCommand<SignalWait<infer T>>
            ? T
            : A extends PromiseLike<infer T>
              ? T
              : A extends Appended<infer Inner>
                ? AwaitedValue<Inner>[]
                : never

/**
 * Append the results to a list under the key instead of assigning it (plumpy's `append_`), in
 * the order given.
 */
export interface Appended<A extends AwaitableLike = AwaitableLike> {
  readonly _tag: 'Append'
  readonly awaitables: readonly A[]
}

/**
 * `append_(...awaitables)`: collect results in a list under one context key, extending the list
 * the context holds: `toContext({ results: append_(launch(A), launch(B)) })`.
 */
export const append_ = <const A extends readonly AwaitableLike[]>(
  ...awaitables: A
): Appended<A[number]> => ({ _tag: 'Append', awaitables })

/** Wrap a promise or a launch as an awaitable. */
export const toAwaitable = (value: AwaitableLike): Awaitable => {
  if (isAwaitable(value)) return value
  const tag = (value as { _tag?: unknown })._tag
  if (tag === 'Sleep' || tag === 'WaitForSignal') return (value as AwaitableCommand).awaitable
  return { _tag: 'Promise', promise: value as PromiseLike<unknown> }
}

const isAwaitable = (value: unknown): value is Awaitable => {
  const tag = (value as { _tag?: unknown } | null)?._tag
  return (
    tag === 'Launch' ||
    tag === 'Task' ||
    tag === 'Promise' ||
    tag === 'Timer' ||
    tag === 'SignalWait'
  )
}
