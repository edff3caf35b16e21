/**
 * Filling in defaults before validation, always on a copy: the caller's inputs stay exactly as
 * given, and the copy (later frozen) shares no object with them.
 */
import * as E from 'fp-ts/lib/Either.js'
import { validationError, type ValidationError } from './errors.js'
import type { DefaultSpec, NamespaceInfo, PortNode } from './node.js'
import { deepCopyPlain, isPlainObject, ownValue, setOwn, thrownMessage } from './plain.js'

type Filled = E.Either<ValidationError[], unknown>

/** The value of a default: a copy of a value, or the result of a lazy default, called now. */
const evaluateDefault = (path: string, spec: DefaultSpec): Filled => {
  switch (spec._tag) {
    case 'NoDefault':
      return E.right(undefined)
    case 'ValueDefault':
      return E.right(deepCopyPlain(spec.value))
    case 'LazyDefault':
      try {
        return E.right(deepCopyPlain(spec.make()))
      } catch (thrown) {
        return E.left([validationError(path, `default threw: ${thrownMessage(thrown)}`)])
      }
    default: {
      const unreachable: never = spec
      return unreachable
    }
  }
}

/**
 * What an absent child becomes. A namespace is filled when it has a default of its own, or when
 * it is required or holds a default below (an optional namespace with nothing to fill stays
 * absent); `populateDefaults: false` keeps it absent whatever it holds.
 */
const fillAbsent = (child: PortNode): Filled => {
  if (child._tag === 'Port') return evaluateDefault(child.path, child.default)
  if (!child.populateDefaults) return E.right(undefined)
  if (child.default._tag !== 'NoDefault') {
    const value = evaluateDefault(child.path, child.default)
    return E.isLeft(value) ? value : fillPresent(child, value.right)
  }
  return child.declaredRequired || child.holdsDefault
    ? fillNamespace(child, {})
    : E.right(undefined)
}

/** A namespace value that is not an object is copied as is: validation will report it. */
const fillPresent = (namespace: NamespaceInfo, value: unknown): Filled =>
  isPlainObject(value) ? fillNamespace(namespace, value) : E.right(deepCopyPlain(value))

/**
 * A copy of `values` with the defaults of `namespace` filled in, recursively. Keys keep the
 * caller's order; filled keys come after. Undeclared keys are copied untouched.
 */
export const fillNamespace = (
  namespace: NamespaceInfo,
  values: Readonly<Record<string, unknown>>,
): E.Either<ValidationError[], Record<string, unknown>> => {
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(values)) setOwn(copy, key, deepCopyPlain(item))
  const errors: ValidationError[] = []
  for (const [name, child] of namespace.ports) {
    const item = ownValue(values, name)
    const filled =
      item === undefined
        ? fillAbsent(child)
        : child._tag === 'PortNamespace'
          ? fillPresent(child, item)
          : E.right(copy[name])
    if (E.isLeft(filled)) errors.push(...filled.left)
    else if (filled.right !== undefined) setOwn(copy, name, filled.right)
  }
  return errors.length > 0 ? E.left(errors) : E.right(copy)
}
