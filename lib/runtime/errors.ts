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
 * for): on a `strict` runner the process cannot step on past it, and fails with this error.
 */
export class CheckpointNotCommittedError extends Error {
  override readonly name = 'CheckpointNotCommittedError'
  constructor(
    readonly pid: string,
    readonly reason: unknown,
  ) {
    super(
      `the checkpoint of ${pid} was not committed (${reason instanceof Error ? reason.message : String(reason)}): ` +
        'a strict process does not step on past it',
    )
  }
}
