/**
 * A generator suspended inside its step, kept alive by the host so that going on needs no
 * replay. Only a cache: a missing or stale one is rebuilt from the journal.
 */
import type { SuspendCommand } from '../commands/suspend.js'
import type { LocatedStep, StepGenerator } from '../process/definition.js'
import type { Position } from '../process/position.js'
import type { StepContextDraft } from './context.js'

/** A live generator and what it needs to go on. */
export interface LiveStep {
  readonly generator: StepGenerator
  /** The context it was given (its draft stays open while it is suspended). */
  readonly context: StepContextDraft
  readonly located: LocatedStep
  /** The context the step was entered with (what a replay starts from). */
  readonly entryCtx: unknown
  /** How many journal entries it had answered when it suspended. */
  readonly answered: number
  readonly suspendedOn: SuspendCommand
}

/** The host's slot for a live generator (one per process). */
export interface LiveSlot {
  live: LiveStep | undefined
}

/** The live generator, if it is the one `position` goes on with; the slot is emptied either way. */
export const takeLive = (slot: LiveSlot, position: Position): LiveStep | undefined => {
  const live = slot.live
  slot.live = undefined
  const length = position.journal?.entries.length
  return live !== undefined && length === live.answered + 1 ? live : undefined
}
