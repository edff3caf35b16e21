/**
 * What a terminated process came to, read from the state of its snapshot: its result, or the
 * error of its failure. The handle supplies the original error when the failure happened here.
 */
import { InvalidStateError, KilledError, ProcessError } from '../process/errors.js'
import type { ProcessSnapshot } from '../process/snapshot.js'

type State = ProcessSnapshot['state']

/** The error of an EXCEPTED state: `original` when it is an Error raised here, else rebuilt. */
export const exceptionOf = (state: State, original: unknown): Error | undefined => {
  if (state._tag !== 'EXCEPTED') return undefined
  return original instanceof Error ? original : new ProcessError(state.error)
}

/**
 * The result of process `pid` in `state`: a FINISHED state's result; `KilledError` if killed, the
 * error if excepted, `InvalidStateError` before the end.
 */
export const resultOf = (pid: string, state: State, original: unknown): unknown => {
  switch (state._tag) {
    case 'FINISHED':
      return state.result
    case 'KILLED':
      throw new KilledError(state.message)
    case 'EXCEPTED':
      throw exceptionOf(state, original)
    default:
      throw new InvalidStateError(`process ${pid} has no result yet (it is ${state._tag})`)
  }
}
