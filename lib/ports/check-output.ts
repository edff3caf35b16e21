/**
 * Checking one value emitted by a process through `out(port, value)`, before it is recorded.
 */
import * as E from 'fp-ts/lib/Either.js'
import { validationError, type ValidationError } from './errors.js'
import { childPath, type NamespaceInfo } from './node.js'
import { checkDynamicValue, checkNamespace, checkPortValue } from './validate.js'

/** What an accepted output was: a declared port, or a value under a dynamic namespace. */
export interface OutputCheck {
  readonly dynamic: boolean
}

/** The message for an output name that no port declares, in a namespace that is not dynamic. */
export const UNKNOWN_PORT_MESSAGE = 'unknown port (namespace is not dynamic)'

// Shared answers, and plain branches instead of `E.map`: this runs for every emitted output.
const DECLARED: E.Either<never, OutputCheck> = E.right(Object.freeze({ dynamic: false }))
const DYNAMIC: E.Either<never, OutputCheck> = E.right(Object.freeze({ dynamic: true }))

const declared = (checked: E.Either<ValidationError[], unknown>) =>
  E.isLeft(checked) ? checked : DECLARED
const dynamic = (checked: E.Either<ValidationError[], unknown>) =>
  E.isLeft(checked) ? checked : DYNAMIC

/**
 * Walks the dotted path from `root`: a declared port checks the value with its codec and
 * validator; a declared namespace checks it as a whole object; a name no port declares is
 * accepted only under a dynamic namespace, where the rest of the path makes sub-namespaces and
 * the value is checked against the namespace's value type.
 */
export const checkOutputAt = (
  root: NamespaceInfo,
  dottedPath: string,
  value: unknown,
): E.Either<ValidationError[], OutputCheck> => {
  const segments = dottedPath.includes('.') ? dottedPath.split('.') : [dottedPath]
  if (segments.includes('')) {
    return E.left([
      validationError(childPath(root.path, dottedPath), 'invalid port name (empty segment)'),
    ])
  }
  if (value === undefined) {
    // `undefined` means "absent" everywhere else: an output holding it would vanish from JSON.
    return E.left([
      validationError(childPath(root.path, dottedPath), 'an output value cannot be undefined'),
    ])
  }
  let namespace = root
  const last = segments.length - 1
  for (let index = 0; index <= last; index++) {
    const segment = segments[index] as string
    const child = namespace.ports.get(segment)
    if (child === undefined) {
      if (!namespace.dynamic) {
        return E.left([validationError(childPath(namespace.path, segment), UNKNOWN_PORT_MESSAGE)])
      }
      const fullPath = childPath(root.path, dottedPath)
      return dynamic(checkDynamicValue(namespace.valueType, value, fullPath))
    }
    if (child._tag === 'Port') {
      if (index === last) return declared(checkPortValue(child, value))
      return E.left([
        validationError(childPath(namespace.path, segment), 'is a port, not a namespace'),
      ])
    }
    if (index === last) return declared(checkNamespace(child, value))
    namespace = child
  }
  // Unreachable: `split` gives at least one segment and the last one always returns.
  return E.left([validationError(childPath(root.path, dottedPath), 'invalid port name')])
}
