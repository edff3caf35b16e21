/**
 * Runs an io-ts codec on one value and turns its failures into our {@link ValidationError}s:
 * dotted paths that continue the port's path into the value (`inputs.x.items.0`), and a message
 * that names the expected type and the value received.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { renderValue, validationError, type ValidationError } from './errors.js'
import { childPath } from './node.js'
import { thrownMessage } from './plain.js'

const tagOf = (codec: t.Decoder<any, any>): unknown => (codec as { readonly _tag?: unknown })._tag

/**
 * One io-ts error as a path below the port and a message. The walk stops at the first union: a
 * union's members fail separately (one error each, at different depths), and "expected
 * `(A | B)`, got ..." at the union says it better than every member's complaint. The keys under
 * an intersection are member indexes, not places in the data, so they are skipped.
 */
const toValidationError = (path: string, error: t.ValidationError): ValidationError => {
  if (error.message !== undefined) return validationError(path, error.message)
  let where = path
  let expected = error.context[0]?.type.name ?? 'a valid value'
  let actual: unknown = error.value
  for (let index = 0; index < error.context.length; index += 1) {
    const entry = error.context[index]
    if (entry === undefined) break
    const parent = error.context[index - 1]
    if (index > 0 && parent !== undefined && tagOf(parent.type) !== 'IntersectionType') {
      where = childPath(where, entry.key)
    }
    expected = entry.type.name
    if (tagOf(entry.type) === 'UnionType') {
      actual = entry.actual
      break
    }
  }
  return validationError(where, `expected ${expected}, got ${renderValue(actual)}`)
}

/** Removes repeated errors (the members of an intersection often fail alike). */
const unique = (errors: ReadonlyArray<ValidationError>): ValidationError[] => {
  const seen = new Set<string>()
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Decodes `value` with `codec`, reporting failures under `path`. A codec that throws (a buggy
 * custom codec) is reported as an error too: validation never throws.
 */
export const decodeAt = (
  codec: t.Decoder<unknown, unknown>,
  value: unknown,
  path: string,
): E.Either<ValidationError[], unknown> => {
  let result: t.Validation<unknown>
  try {
    result = codec.decode(value)
  } catch (thrown) {
    return E.left([validationError(path, `codec ${codec.name} threw: ${thrownMessage(thrown)}`)])
  }
  return E.isRight(result)
    ? E.right(result.right)
    : E.left(unique(result.left.map((error) => toValidationError(path, error))))
}
