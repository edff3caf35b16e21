/**
 * Awaitables settling: a WAITING process hears back from each thing it awaits, and once all have
 * answered it goes on with their results. Part of the reducer (`transition.ts`).
 */
import { freeze } from 'immer'
import type { Effect } from './effects.js'
import { NO_EFFECTS, enter, finish, type Transition } from './enter.js'
import type { ErrorInfo } from './errors.js'
import { withJournalEntry } from './position.js'
import { armedTimeouts, awaitedFailure, backoffOver, isBackingOff, timeoutError } from './retry.js'
import { entryBackoffOver, entryFailed, entryTimedOut, isEntryBackoff } from './entry-retry.js'
import type { EntryJudgement } from './entry-retry-state.js'
import { withState, type ProcessSnapshot } from './snapshot.js'
import { isTerminal, type Pending, type ProcessState, type Waiting } from './state.js'

const pendingAt = (state: Waiting, slot: number): Pending | undefined => {
  const pending = state.awaiting[slot]
  return pending === undefined || pending.done ? undefined : pending
}

/**
 * `undefined` when the slot is not one the process waits on (the caller names the problem). A
 * timer that falls due while the process is paused is held: nothing changes, and `play` arms it
 * again (it fires at once then).
 */
export const settled = (
  s: ProcessSnapshot,
  slot: number,
  value: unknown,
): Transition | undefined => {
  if (isTerminal(s.state)) return [s, NO_EFFECTS]
  if (s.state._tag !== 'WAITING') return undefined
  const pending = pendingAt(s.state, slot)
  if (pending === undefined) return undefined
  if (s.paused && pending.ref._tag === 'Timer') return [s, NO_EFFECTS]
  // A retried entry's backoff is no result: the entry starts again, and has not settled.
  if (isEntryBackoff(pending)) return entryBackoffOver(s, slot)
  const effects: Effect[] = []
  if (pending.timeout !== undefined) {
    const after =
      entryTimedOut(s, slot, effects) ?? awaitedFailure(s, timeoutError(s, pending), true, effects)
    return finish(s, [after, effects])
  }
  return finish(s, [settleSlot(s, slot, value, effects), effects])
}

/**
 * Settle the awaited thing in `slot` of a WAITING snapshot with `value`, appending the effects;
 * when that ends the wait, the process goes on (the caller ends the transition with `finish`).
 */
export const settleSlot = (
  s: ProcessSnapshot,
  slot: number,
  value: unknown,
  effects: Effect[],
): ProcessSnapshot => {
  const state = s.state as Waiting
  if (isBackingOff(s)) return backoffOver(s, effects)
  if (state.race === true) return winRace(s, state, slot, value, effects)
  const awaiting = state.awaiting.map((p, i) => (i === slot ? { ...p, done: true, value } : p))
  if (awaiting.some((p) => !p.done && p.timeout === undefined))
    return withState(s, { ...state, awaiting })
  const timeouts = armedTimeouts(awaiting)
  if (timeouts.length === 0) return deliver(s, awaiting, effects)
  // Every result is in: the timeouts that guarded them are cleared, and are no results.
  effects.push({ _tag: 'CancelAwaited', awaited: timeouts })
  const results = awaiting.filter((p) => p.timeout === undefined)
  return deliver(s, results, effects)
}

/**
 * The first of a race to settle wins: the answer holds it alone (`{ [key]: value }`), and the
 * others are cancelled.
 */
const winRace = (
  s: ProcessSnapshot,
  state: Waiting,
  slot: number,
  value: unknown,
  effects: Effect[],
): ProcessSnapshot => {
  const losers = state.awaiting.flatMap((p, i) =>
    i === slot || p.done ? [] : [{ slot: i, ref: p.ref }],
  )
  if (losers.length > 0) effects.push({ _tag: 'CancelAwaited', awaited: losers })
  const winner = { ...(state.awaiting[slot] as Pending), done: true, value }
  return deliver(s, [winner], effects)
}

/** `undefined` when the slot is not one the process waits on. */
export const failed = (
  s: ProcessSnapshot,
  slot: number,
  error: ErrorInfo,
  judged: EntryJudgement | undefined,
): Transition | undefined => {
  if (isTerminal(s.state)) return [s, NO_EFFECTS]
  if (s.state._tag !== 'WAITING') return undefined
  const pending = pendingAt(s.state, slot)
  if (pending === undefined) return undefined
  const effects: Effect[] = []
  if (pending.retry !== undefined)
    return finish(s, [entryFailed(s, slot, error, judged, effects), effects])
  return finish(s, [awaitedFailure(s, error, false, effects), effects])
}

/**
 * Hand the awaited results over (`awaiting`: the wait `s` is in, every entry settled): a
 * generator step suspended inside itself gets them as its journal's next answer (it puts them in
 * its own draft of the context when it replays); otherwise they land in the context under their
 * keys, appended for list keys, later keys overwriting.
 */
const deliver = (
  s: ProcessSnapshot,
  awaiting: readonly Pending[],
  effects: Effect[],
): ProcessSnapshot => {
  // The wait ends here: its settled list is read, never kept in a snapshot of its own.
  const state = s.state as Waiting
  if (state.asked !== undefined) {
    const answer = collectResults(awaiting, {})
    const position = withJournalEntry(state.position, { asked: state.asked, answer })
    return enter(s, running(position), effects)[0]
  }
  const results = collectResults(awaiting, s.ctx)
  const ctx = freeze({ ...(s.ctx as object), ...results }, true)
  // The step's wait is over and it does not go on inside itself: its attempts are over too.
  return enter({ ...s, ctx, retry: undefined }, running(state.position), effects)[0]
}

const running = (position: Waiting['position']): ProcessState => ({
  _tag: 'RUNNING',
  position,
  resumed: false,
})

/** The awaited values by key; `base` supplies the lists that appended values extend. */
export const collectResults = (
  awaiting: readonly Pending[],
  base: unknown,
): Record<string, unknown> => {
  const results: Record<string, unknown> = {}
  const existing = (base ?? {}) as Record<string, unknown>
  for (const p of awaiting) {
    if (p.append) {
      const list = p.key in results ? results[p.key] : existing[p.key]
      results[p.key] = [...(Array.isArray(list) ? list : []), p.value]
    } else {
      results[p.key] = p.value
    }
  }
  return results
}
