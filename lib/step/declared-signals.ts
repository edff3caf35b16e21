/**
 * A process whose spec declares its signals waits only for those: a step that waits for another
 * fails at once, naming it, instead of waiting for a signal every sender would be refused.
 */
import type { BodyOutcome, ProcessDefinition } from '../process/definition.js'
import { UndeclaredSignalError } from './errors.js'

/** `outcome`, once every signal it waits for is one the spec declares (when it declares any). */
export const withDeclaredSignals = (
  definition: ProcessDefinition,
  outcome: BodyOutcome,
): BodyOutcome => {
  const declared = definition.spec.signals
  if (declared === undefined || outcome._tag !== 'Wait') return outcome
  for (const entry of outcome.entries) {
    const awaitable = entry.awaitable
    if (awaitable._tag === 'SignalWait' && !declared.has(awaitable.signal.name))
      throw new UndeclaredSignalError(definition.name, awaitable.signal.name, [...declared.keys()])
  }
  return outcome
}
