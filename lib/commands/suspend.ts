/**
 * Commands that suspend a step until something outside answers: awaitables settle
 * (`toContext`), or someone resumes the process (`waitForResume`). The process is WAITING
 * meanwhile, and a checkpoint taken then records the step's journal, so a reloaded process puts
 * the step back where it was by replaying it.
 */
import type * as t from 'io-ts'
import {
  toAwaitable,
  type Appended,
  type Awaitable,
  type AwaitableLike,
  type AwaitedValue,
} from './awaitables.js'
import type { All, Race } from './combine.js'
import type { WaitForSignal } from './signal.js'
import type { Sleep } from './time.js'
import { Yieldable } from './yieldable.js'

/** One awaitable registered under a context key. */
export interface ToContextEntry {
  readonly key: string
  readonly awaitable: Awaitable
  readonly append: boolean
  /** A timeout's timer guarding `timeout` (the step, or an entry's key): see `Pending.timeout`. */
  readonly timeout?: string
}

/** The results `toContext(awaitables)` gives back, by key. */
export type ToContextResults<A> = { readonly [K in keyof A]: AwaitedValue<A[K]> }

class ToContextCommand<R> extends Yieldable<R> {
  readonly _tag = 'ToContext'
  constructor(readonly entries: readonly ToContextEntry[]) {
    super()
  }
}

class WaitForResumeCommand<T> extends Yieldable<T> {
  readonly _tag = 'WaitForResume'
  constructor(
    readonly codec: t.Decoder<unknown, T> | undefined,
    readonly message: string | undefined,
  ) {
    super()
  }
}

/**
 * Await these things, then put each result in the context under its key; `yield*` gives the
 * results back too. A plain work chain step may also return it: the chain then waits after the
 * step.
 */
export type ToContext<R = Readonly<Record<string, unknown>>> = ToContextCommand<R>

/** Wait for `resume(value)`; `yield*` gives the value, checked by the codec when one is given. */
export type WaitForResume<T = unknown> = WaitForResumeCommand<T>

/** The commands that suspend a step. */
export type SuspendCommand =
  | ToContext<unknown>
  | WaitForResume<unknown>
  | Sleep
  | WaitForSignal<unknown>
  | Race<unknown>
  | All<unknown>

/**
 * What a suspension waits for: its entries (none for `waitForResume`), and whether the first
 * to settle ends the wait (`race`) or every one must (the others). A command that waits for one
 * thing (`sleep`) has one entry under the key `single`, and `yield*` gives its value alone.
 */
export interface WaitShape {
  readonly entries: readonly ToContextEntry[]
  readonly race: boolean
}

/** The key of the only entry of a command that waits for one thing. */
export const SINGLE = 'single'

const NO_ENTRIES: readonly ToContextEntry[] = Object.freeze([])

/** The entries and mode of a suspension. */
export const waitShape = (command: SuspendCommand): WaitShape => {
  switch (command._tag) {
    case 'ToContext':
    case 'All':
      return { entries: withTimeouts(command.entries), race: false }
    case 'Race':
      return { entries: withTimeouts(command.entries), race: true }
    case 'WaitForResume':
      return { entries: NO_ENTRIES, race: false }
    case 'Sleep':
    case 'WaitForSignal':
      return {
        entries: [{ key: SINGLE, awaitable: command.awaitable, append: false }],
        race: false,
      }
  }
}

/**
 * The entries with a timeout's timer after each that declares one (`task(start, { timeout })`,
 * `launch(Def, inputs, { timeout })`): the timer is no result (the journal's key and the answer
 * know only the entries the step named), and when it fires first the wait fails.
 */
export const withTimeouts = (entries: readonly ToContextEntry[]): readonly ToContextEntry[] => {
  if (!entries.some(hasTimeout)) return entries
  return entries.flatMap((entry) => {
    const ms = timeoutOf(entry.awaitable)
    if (ms === undefined) return [entry]
    const timer: Awaitable = { _tag: 'Timer', ms, until: undefined }
    return [
      entry,
      { key: `timeout:${entry.key}`, awaitable: timer, append: false, timeout: entry.key },
    ]
  })
}

const timeoutOf = (awaitable: Awaitable): number | undefined =>
  awaitable._tag === 'Launch' || awaitable._tag === 'Task' ? awaitable.timeout : undefined

const hasTimeout = (entry: ToContextEntry): boolean => timeoutOf(entry.awaitable) !== undefined

/**
 * `const { child } = yield* toContext({ child: launch(Child, inputs) })`: wait for the
 * awaitables and get their results (they land in the context under their keys too).
 */
export const toContext = <const A extends Readonly<Record<string, AwaitableLike | Appended>>>(
  awaitables: A,
): ToContext<ToContextResults<A>> =>
  new ToContextCommand(Object.entries(awaitables).flatMap(([key, value]) => toEntries(key, value)))

const toEntries = (key: string, value: AwaitableLike | Appended): ToContextEntry[] =>
  isAppended(value)
    ? value.awaitables.map((awaitable) => ({
        key,
        awaitable: toAwaitable(awaitable),
        append: true,
      }))
    : [{ key, awaitable: toAwaitable(value), append: false }]

const isAppended = (value: unknown): value is Appended =>
  (value as { _tag?: unknown } | null)?._tag === 'Append'

/**
 * `const n = yield* waitForResume(t.number, 'give me a number')`: wait for `resume(value)` (or
 * take the one the process kept when it came earlier). With a codec, `resume` refuses a value
 * that does not decode (the process stays WAITING), a kept one that does not decode fails the
 * step, and the step gets the decoded value, typed by the codec; without one the value is
 * `unknown`. There is deliberately no way to name the type without a codec: nothing would check
 * it.
 */
export function waitForResume(codec?: undefined, message?: string): WaitForResume<unknown>
export function waitForResume<T>(codec: t.Decoder<unknown, T>, message?: string): WaitForResume<T>
export function waitForResume<T>(
  codec?: t.Decoder<unknown, T>,
  message?: string,
): WaitForResume<T> {
  return new WaitForResumeCommand(codec, message)
}

// The classes behind the command types, as types only: a definition's inferred type names them
// (its steps return commands), and a declaration file can only name what is exported.
export type { ToContextCommand, WaitForResumeCommand }
