/** Errors the runtime's Promise API throws. */
import type { ValidationError } from '../ports/index.js'

/** Inputs that do not fit a definition's spec: every bad path, with its reason. */
export class InvalidInputsError extends Error {
  override readonly name = 'InvalidInputsError'
  constructor(
    readonly definition: string,
    readonly errors: readonly ValidationError[],
  ) {
    super(
      `invalid inputs for ${definition}:\n` +
        errors.map((e) => `  ${e.path}: ${e.message}`).join('\n'),
    )
  }
}

/**
 * A checkpoint the store refused for good (not a store that is down for a while, which is waited
 * for), or a plugin's commit that failed (see `RunnerPlugin.committing`).
 *
 * - `at: 'step'`: on a `strict` runner the process cannot step on past it, and fails with this
 *   error before its next step.
 * - `at: 'end'`: the last checkpoint of a process that ended, on a `strict` or `batched` runner,
 *   where a process counts as ended only once that checkpoint is committed. The process did end
 *   in memory, but its end is reported as this error (`execute()` rejects with it, a parent
 *   awaiting it sees it fail, a worker answers it): the store holds an earlier checkpoint, from
 *   which the process would run its last steps again.
 * - `at: 'signal'`: a signal, resume, pause, play or kill sent over a communicator to a process
 *   on a `strict` or `batched` runner is answered once the checkpoint recording it is committed;
 *   this is the answer when a checkpoint of the process was refused meanwhile. The sender must
 *   not count on what it sent: a process continued from the store may not have it.
 */
export class CheckpointNotCommittedError extends Error {
  override readonly name = 'CheckpointNotCommittedError'
  constructor(
    readonly pid: string,
    readonly reason: unknown,
    readonly at: 'step' | 'end' | 'signal' = 'step',
  ) {
    super(notCommittedMessage(pid, reason, at))
  }
}

const notCommittedMessage = (pid: string, reason: unknown, at: 'step' | 'end' | 'signal') => {
  const why = reason instanceof Error ? reason.message : String(reason)
  switch (at) {
    case 'step':
      return `the checkpoint of ${pid} was not committed (${why}): a strict process does not step on past it`
    case 'end':
      return (
        `the end of ${pid} was not committed (${why}): the store holds an earlier checkpoint, ` +
        'from which the process would run its last steps again'
      )
    case 'signal':
      return (
        `what was sent to ${pid} was not committed (${why}): the process continued from its ` +
        'store may not have it'
      )
  }
}
