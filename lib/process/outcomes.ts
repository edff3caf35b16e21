/**
 * Translating the commands a step returns into outcomes, shared by processes and work chains.
 */
import type { FlowCommand } from '../commands/flow.js'
import type { ToContextEntry } from '../commands/suspend.js'
import type { BodyOutcome } from './definition.js'
import type { Position } from './position.js'

/**
 * The outcome of a terminal command (Stop, Kill, an unsuccessful result, an exit code), or
 * undefined for the commands whose meaning depends on the kind of body.
 */
export const terminalOutcome = (command: FlowCommand): BodyOutcome | undefined => {
  switch (command._tag) {
    case 'Stop':
      return stop(command.result, command.successful)
    case 'Kill':
      return { _tag: 'Kill', message: command.message }
    case 'UnsuccessfulResult':
      return stop(command.result, false)
    case 'ExitCode':
      return {
        _tag: 'Stop',
        result: undefined,
        successful: command.status === 0,
        exitStatus: command.status,
        exitMessage: command.message,
      }
    default:
      return undefined
  }
}

/** Finish with `result`. */
export const stop = (result: unknown, successful: boolean): BodyOutcome => ({
  _tag: 'Stop',
  result,
  successful,
  exitStatus: 0,
  exitMessage: undefined,
})

/** Wait for `resume` (no entries) or for awaitables, then continue at `position`. */
export const waitAt = (
  position: Position,
  entries: readonly ToContextEntry[],
  message?: string,
  data?: unknown,
): BodyOutcome => ({ _tag: 'Wait', position, message, data, entries, asked: undefined })
