/**
 * The earliest timer deadline a process waits on: what a store indexes so that a worker can find
 * the processes falling due that no live worker holds (see `lib/worker/due-timers.ts`). Every
 * timer a wait can hold counts — a `sleep`, the timer of a `race` or an `all`, a retry's backoff —
 * since they are all `Timer` refs in `awaiting`.
 */
import type { ProcessSnapshot } from './snapshot.js'

/**
 * The earliest deadline (ms since the epoch) among the unsettled timers of a WAITING, unpaused
 * process; undefined for any other process. A paused process holds its due timers until it is
 * played, so there is nothing to fire for it.
 */
export const earliestDeadline = (snapshot: ProcessSnapshot): number | undefined => {
  const { state } = snapshot
  if (state._tag !== 'WAITING' || snapshot.paused) return undefined
  let earliest: number | undefined
  for (const pending of state.awaiting)
    if (!pending.done && pending.ref._tag === 'Timer')
      earliest = Math.min(earliest ?? Infinity, pending.ref.deadline)
  return earliest
}
