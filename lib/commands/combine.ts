/**
 * Waiting for several things at once: `race({...})` goes on with the first to settle and
 * cancels the others (timers cleared, children killed unless `detached`, tasks abandoned);
 * `all({...})` goes on once every one has. Entries are children (`launch`), tasks, promises,
 * timers (`sleep`) and signals (`waitForSignal`). Both give their results back by key, as data:
 * a race's answer names its winner, so a replay from the journal takes the same branch.
 */
import { toAwaitable, type AwaitableLike, type AwaitedValue, type Launch } from './awaitables.js'
import type { ToContextEntry, ToContextResults } from './suspend.js'
import { Yieldable } from './yieldable.js'

/** What a race gives: one entry, its winner, `{ approved: … } | { late: … }`. */
export type RaceResult<A> = {
  [K in keyof A]: { readonly [P in K]: AwaitedValue<A[K]> }
}[keyof A]

class RaceCommand<R> extends Yieldable<R> {
  readonly _tag = 'Race'
  constructor(readonly entries: readonly ToContextEntry[]) {
    super()
  }
}

class AllCommand<R> extends Yieldable<R> {
  readonly _tag = 'All'
  constructor(readonly entries: readonly ToContextEntry[]) {
    super()
  }
}

/** Wait for the first of several things; `yield*` gives `{ [winner]: value }`. */
export type Race<R = unknown> = RaceCommand<R>

/** Wait for every one of several things; `yield*` gives every result by key. */
export type All<R = unknown> = AllCommand<R>

type Entries = Readonly<Record<string, AwaitableLike>>

const entriesOf = (awaitables: Entries): ToContextEntry[] =>
  Object.entries(awaitables).map(([key, value]) => ({
    key,
    awaitable: toAwaitable(value),
    append: false,
  }))

/**
 * `const won = yield* race({ approved: waitForSignal(Approve), late: sleep('2 days') })`: WAITING
 * until the first settles (a failure first fails the process); `'approved' in won` says which.
 */
export const race = <const A extends Entries>(awaitables: A): Race<RaceResult<A>> => {
  const entries = entriesOf(awaitables)
  if (entries.length === 0) throw new RangeError('race needs at least one entry')
  return new RaceCommand(entries)
}

/**
 * `const { a, b } = yield* all({ a: launch(A), b: sleep('1h') })`: WAITING until every one has
 * settled; unlike `toContext`, the results go nowhere but to the step.
 */
export const all = <const A extends Entries>(awaitables: A): All<ToContextResults<A>> =>
  new AllCommand(entriesOf(awaitables))

/**
 * A child that a lost race (or a kill of its parent) leaves running: `race({ report:
 * detached(launch(Report, inputs)), late: sleep('1h') })`.
 */
export const detached = <O>(child: Launch<O>): Launch<O> => ({ ...child, detached: true })

export type { RaceCommand, AllCommand }
