/**
 * Commands: what a step returns (or yields) to say what happens next. They are inert data made by
 * tiny constructors; the step executor translates them and the reducer applies them.
 */
import {
  toAwaitable,
  type Appended,
  type Awaitable,
  type AwaitableLike,
  type AwaitedValue,
} from './awaitables.js'

/** Run the named step next, with these arguments (all of them are kept). */
export interface Continue {
  readonly _tag: 'Continue'
  readonly step: string
  readonly args: readonly unknown[]
}

/** Wait for `resume(value)`, then run the named step with the value. */
export interface Wait {
  readonly _tag: 'Wait'
  readonly step: string | undefined
  readonly message: string | undefined
  readonly data: unknown
}

/** Finish with this result. */
export interface Stop {
  readonly _tag: 'Stop'
  readonly result: unknown
  readonly successful: boolean
}

/** End the process as KILLED with this message. */
export interface Kill {
  readonly _tag: 'Kill'
  readonly message: string | undefined
}

/** Marks a return value as an unsuccessful result: the process finishes, not successfully. */
export interface UnsuccessfulResult {
  readonly _tag: 'UnsuccessfulResult'
  readonly result: unknown
}

/** Finish with an exit status (non-zero is not successful), as declared in the spec. */
export interface ExitCodeCommand {
  readonly _tag: 'ExitCode'
  readonly status: number
  readonly message: string | undefined
}

/**
 * Await these things, then put each result in the context under its key. A work chain step may
 * return it; a generator step yields it (through `toContext`) and gets the results back.
 */
export interface ToContext {
  readonly _tag: 'ToContext'
  readonly entries: readonly ToContextEntry[]
}

/** One awaitable registered under a context key. */
export interface ToContextEntry {
  readonly key: string
  readonly awaitable: Awaitable
  readonly append: boolean
}

/** Every command. */
export type Command =
  | Continue
  | Wait
  | Stop
  | Kill
  | UnsuccessfulResult
  | ExitCodeCommand
  | ToContext

const COMMAND_TAGS: ReadonlySet<string> = new Set([
  'Continue',
  'Wait',
  'Stop',
  'Kill',
  'UnsuccessfulResult',
  'ExitCode',
  'ToContext',
])

/** True when a value returned by a step is a command (and not a plain result). */
export const isCommand = (value: unknown): value is Command =>
  typeof value === 'object' &&
  value !== null &&
  COMMAND_TAGS.has((value as { _tag?: unknown })._tag as string)

/** `Continue(step, ...args)`: run `step` next with `args`. */
export const Continue = (step: string, ...args: readonly unknown[]): Continue => ({
  _tag: 'Continue',
  step,
  args,
})

/** `Wait(step?, message?, data?)`: wait for `resume(value)`, then run `step` with the value. */
export const Wait = (step?: string, message?: string, data?: unknown): Wait => ({
  _tag: 'Wait',
  step,
  message,
  data,
})

/** `Stop(result, successful = true)`: finish. */
export const Stop = (result?: unknown, successful = true): Stop => ({
  _tag: 'Stop',
  result,
  successful,
})

/** `Kill(message?)`: end KILLED. */
export const Kill = (message?: string): Kill => ({ _tag: 'Kill', message })

/** Return `unsuccessful(result)` to finish with `result`, not successfully. */
export const unsuccessful = (result?: unknown): UnsuccessfulResult => ({
  _tag: 'UnsuccessfulResult',
  result,
})

/** Return `exitCode(status, message?)` to finish with that exit status. */
export const exitCode = (status: number, message?: string): ExitCodeCommand => ({
  _tag: 'ExitCode',
  status,
  message,
})

/** Register awaitables under context keys: a plain step returns this, a generator yields it. */
export const ToContext = (
  awaitables: Readonly<Record<string, AwaitableLike | Appended>>,
): ToContext => ({
  _tag: 'ToContext',
  entries: Object.entries(awaitables).map(([key, value]) => toEntry(key, value)),
})

const toEntry = (key: string, value: AwaitableLike | Appended): ToContextEntry =>
  isAppended(value)
    ? { key, awaitable: toAwaitable(value.awaitable), append: true }
    : { key, awaitable: toAwaitable(value), append: false }

const isAppended = (value: unknown): value is Appended =>
  (value as { _tag?: unknown } | null)?._tag === 'Append'

/** An output emitted from a generator step with `yield out(port, value)`. */
export interface Out {
  readonly _tag: 'Out'
  readonly port: string
  readonly value: unknown
}

/** `yield out(port, value)` in a generator step (plain steps call `api.out`). */
export const out = (port: string, value: unknown): Out => ({ _tag: 'Out', port, value })

/** What a generator step may yield. */
export type Yieldable = Command | Out

/** The results `toContext(awaitables)` gives back, by key. */
export type ToContextResults<A> = { readonly [K in keyof A]: AwaitedValue<A[K]> }

/**
 * `const { child } = yield* toContext({ child: launch(Child, inputs) })`: wait, inside a generator
 * step, for the awaitables and get their results (they also land in the context under their keys).
 */
export function* toContext<const A extends Readonly<Record<string, AwaitableLike | Appended>>>(
  awaitables: A,
): Generator<ToContext, ToContextResults<A>, unknown> {
  return (yield ToContext(awaitables)) as ToContextResults<A>
}

/**
 * `const value = yield* waitForResume(message)`: wait, inside a generator step, for
 * `resume(value)` and get the value.
 */
export function* waitForResume<T = unknown>(message?: string): Generator<Wait, T, unknown> {
  return (yield Wait(undefined, message)) as T
}
