/** What a launcher answers for a process: its outputs, or its failure as an error. */
import type { Bundle } from '../checkpoint/bundle.js'
import { KilledError, ProcessError } from '../process/errors.js'
import type { ProcessHandle } from '../runtime/handle.js'

/**
 * The outputs of a finished process; its failure (as an error) otherwise, or why its end was not
 * committed where it counts as ended only then (`endNotCommitted`).
 */
export const outcome = (process: ProcessHandle): unknown => {
  const notCommitted = process.endNotCommitted
  if (notCommitted !== undefined) throw notCommitted
  const failure = process.failure()
  if (failure !== undefined) throw failure
  return process.outputs
}

/** Whether a checkpoint is of a process that has ended (FINISHED, EXCEPTED or KILLED). */
export const hasEnded = (stored: Bundle): boolean => {
  const state = stored.snapshot.state._tag
  return state === 'FINISHED' || state === 'EXCEPTED' || state === 'KILLED'
}

/** The same as {@link outcome}, read from the checkpoint of a process that has ended. */
export const outcomeOf = (stored: Bundle): unknown => {
  const state = stored.snapshot.state
  if (state._tag === 'KILLED') throw new KilledError(state.message)
  if (state._tag === 'EXCEPTED') throw new ProcessError(state.error)
  return stored.snapshot.outputs
}
