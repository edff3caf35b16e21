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
