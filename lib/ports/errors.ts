/**
 * The two kinds of failure of the ports layer: a value that does not fit a spec (data, returned in
 * an `Either`), and a spec that is itself wrong (a programming error, thrown when it is built).
 */

/**
 * One reason a value does not fit a spec.
 *
 * `path` is dotted and starts with the name of the root namespace (`inputs.sub.x`,
 * `outputs.result`), so a message can be read without knowing where the check ran.
 */
export interface ValidationError {
  readonly path: string
  readonly message: string
}

/** Builds a {@link ValidationError}. */
export const validationError = (path: string, message: string): ValidationError => ({
  path,
  message,
})

/**
 * Renders errors one per line, `path: message`, for logs and thrown errors at the edges.
 *
 * @example
 * formatValidationErrors([{ path: 'inputs.x', message: 'expected number, got "a"' }])
 * // 'inputs.x: expected number, got "a"'
 */
export const formatValidationErrors = (errors: ReadonlyArray<ValidationError>): string =>
  errors.map((error) => `${error.path}: ${error.message}`).join('\n')

/**
 * Thrown by `buildSpec`, `namespace` and `expose` for a definition that cannot work (an invalid
 * default, a dotted name that crosses a port, include and exclude together...). It is thrown
 * rather than returned because it is a bug in the program, found once when the module loads.
 */
export class SpecError extends Error {
  override readonly name = 'SpecError'
}

const MAX_RENDERED_LENGTH = 80

/**
 * Shows a value the way an error message needs it: short, strings quoted, never throwing
 * (cyclic or exotic values fall back to a type name).
 */
export const renderValue = (value: unknown): string => {
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return '<function>'
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'symbol') return value.toString()
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (_error) {
    text = undefined
  }
  if (text === undefined) return Object.prototype.toString.call(value)
  return text.length > MAX_RENDERED_LENGTH ? `${text.slice(0, MAX_RENDERED_LENGTH - 3)}...` : text
}
