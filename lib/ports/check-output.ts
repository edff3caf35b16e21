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

const declared = E.map((): OutputCheck => ({ dynamic: false }))
const dynamic = E.map((): OutputCheck => ({ dynamic: true }))

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
  const fullPath = childPath(root.path, dottedPath)
  const segments = dottedPath.split('.')
  if (segments.some((segment) => segment === '')) {
    return E.left([validationError(fullPath, 'invalid port name (empty segment)')])
  }
  if (value === undefined) {
    // `undefined` means "absent" everywhere else: an output holding it would vanish from JSON.
    return E.left([validationError(fullPath, 'an output value cannot be undefined')])
  }
  let namespace = root
  for (const [index, segment] of segments.entries()) {
    const isLast = index === segments.length - 1
    const child = namespace.ports.get(segment)
    const here = childPath(namespace.path, segment)
    if (child === undefined) {
      if (!namespace.dynamic) return E.left([validationError(here, UNKNOWN_PORT_MESSAGE)])
      return dynamic(checkDynamicValue(namespace.valueType, value, fullPath))
    }
    if (child._tag === 'Port') {
      if (!isLast) return E.left([validationError(here, 'is a port, not a namespace')])
      return declared(checkPortValue(child, value))
    }
    if (isLast) return declared(checkNamespace(child, value))
    namespace = child
  }
  // Unreachable: `split` gives at least one segment and the last one always returns.
  return E.left([validationError(fullPath, 'invalid port name')])
}
