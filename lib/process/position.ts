/**
 * Where a process is, as data. The reducer treats positions as opaque: the step executor of a
 * definition knows how to run one and how to compute the next.
 */

/**
 * One suspension of a generator step: what it asked for (a stable key made from the command it
 * yielded, such as `resume` or `toContext(sq=launch:Square)`) and the answer it was given.
 */
export interface JournalEntry {
  readonly asked: string
  readonly answer: unknown
}

/**
 * The short record of a generator step interrupted inside itself: its suspensions so far, in
 * order. While a step is suspended the snapshot keeps the context the step started from; steps
 * are pure, so replaying the generator from that context with these answers puts it back exactly
 * where it was, and a replay that asks for something else is caught (`NondeterminismError`).
 */
export interface Journal {
  readonly entries: readonly JournalEntry[]
}

/** A named step of a plain process, with the arguments `Continue` (or `resume`) gave it. */
export interface StepPosition {
  readonly _tag: 'Step'
  readonly step: string
  readonly args: readonly unknown[]
  readonly journal?: Journal
}

/**
 * A place in a work chain's outline. `cursor` is a path of indices (see `lib/workchain/cursor.ts`).
 * With a journal, the cursor names the step that is suspended inside itself.
 */
export interface OutlinePosition {
  readonly _tag: 'Outline'
  readonly cursor: readonly number[]
  readonly journal?: Journal
}

/** Every kind of position. */
export type Position = StepPosition | OutlinePosition

/**
 * No arguments: one shared empty list, so that steps without arguments share one view (see
 * `StepViews`) and no step allocates an empty array.
 */
export const NO_ARGS: readonly unknown[] = Object.freeze([])

/** A step position. */
export const stepPosition = (step: string, args: readonly unknown[] = NO_ARGS): StepPosition => ({
  _tag: 'Step',
  step,
  args,
})

/** An outline position. */
export const outlinePosition = (cursor: readonly number[]): OutlinePosition => ({
  _tag: 'Outline',
  cursor,
})

/**
 * The same position with `entries` as its journal. Written out field by field: in V8, an object
 * spread followed by a key the source lacks gives every copy a hidden class of its own (about
 * 200 bytes each), and every process suspended inside a step holds one such position.
 */
export const withJournal = (position: Position, entries: readonly JournalEntry[]): Position =>
  entries.length === 0 ? firstSuspension(position) : journalled(position, { entries })

const journalled = (position: Position, journal: Journal): Position =>
  position._tag === 'Step'
    ? { _tag: 'Step', step: position.step, args: position.args, journal }
    : { _tag: 'Outline', cursor: position.cursor, journal }

/** The journal of a step suspended for the first time: one for all (journals are immutable). */
const EMPTY_JOURNAL: Journal = Object.freeze({ entries: Object.freeze([]) })

/**
 * Positions of steps suspended for the first time, by the position the step was entered at.
 * Processes of one definition that all wait in the same step (ten thousand sleepers, say) were
 * entered at one shared position (see `createdSnapshot`), so they share this one too: 56 bytes
 * less for each. Weak: an entry lives only as long as the position it was made from.
 */
const FIRST_SUSPENSIONS = new WeakMap<Position, Position>()

const firstSuspension = (position: Position): Position => {
  let suspended = FIRST_SUSPENSIONS.get(position)
  if (suspended === undefined) {
    suspended = journalled(position, EMPTY_JOURNAL)
    FIRST_SUSPENSIONS.set(position, suspended)
  }
  return suspended
}

/** The same position with one more journal entry (or a first journal). */
export const withJournalEntry = (position: Position, entry: JournalEntry): Position =>
  withJournal(position, [...(position.journal?.entries ?? []), entry])
