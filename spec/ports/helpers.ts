/** Small readers for `Either` results, so that tests compare plain values. */
import * as E from 'fp-ts/lib/Either.js'
import type { ValidationError } from '../../lib/ports/index.js'

/** The errors of a result, `[]` when it succeeded. */
export const errorsOf = <A>(result: E.Either<ValidationError[], A>): ValidationError[] =>
  E.isLeft(result) ? result.left : []

/** The value of a result; fails the test (throws) with the errors when it did not succeed. */
export const valueOf = <A>(result: E.Either<ValidationError[], A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`)
  return result.right
}

/** Whether a value and everything inside it (plain objects and arrays) is frozen. */
export const isDeeplyFrozen = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null) return true
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen)
}
