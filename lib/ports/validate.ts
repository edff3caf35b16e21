/**
 * Validation of values against built ports and namespaces, in plumpy's order: the declared ports
 * (in declaration order), then the leftover keys (rejected unless the namespace is dynamic), then
 * the namespace validator with all the values. Unlike plumpy, every error is collected, not just
 * the first; two checks are skipped on purpose, because their functions are typed against valid
 * values: a port validator when the codec rejected the value, and a namespace validator when
 * anything inside the namespace failed.
 *
 * Each check returns the decoded value (codecs may transform), so parsing can keep what the
 * codecs produced. `undefined` stands for "absent".
 */
import * as E from 'fp-ts/lib/Either.js'
import { renderValue, validationError, type ValidationError } from './errors.js'
import { decodeAt } from './decode.js'
import { childPath, type NamespaceInfo, type PortInfo, type PortNode } from './node.js'
import { isPlainObject, ownValue, setOwn, thrownMessage } from './plain.js'
import type * as t from 'io-ts'

/** The message when a required port or namespace is missing. */
export const REQUIRED_MESSAGE = 'required value was not provided'

/** The message for a key that no port declares, in a namespace that is not dynamic. */
export const UNEXPECTED_KEY_MESSAGE = 'unexpected key (namespace is not dynamic)'

type Checked = E.Either<ValidationError[], unknown>

/** Runs a user validator; a throwing one is reported as an error, never rethrown. */
const runValidator = (
  path: string,
  call: () => string | undefined,
): ValidationError | undefined => {
  try {
    const message = call()
    return message === undefined ? undefined : validationError(path, message)
  } catch (thrown) {
    return validationError(path, `validator threw: ${thrownMessage(thrown)}`)
  }
}

/** Checks a value given to a port: its codec, then its validator on the decoded value. */
export const checkPortValue = (port: PortInfo, value: unknown): Checked => {
  const decoded = decodeAt(port.codec, value, port.path)
  if (E.isLeft(decoded) || port.validator === undefined) return decoded
  const validator = port.validator
  const error = runValidator(port.path, () => validator(decoded.right, port))
  return error === undefined ? decoded : E.left([error])
}

/**
 * Checks a value under a dynamic namespace. A value the value type rejects may still be a plain
 * object of such values: dotted outputs and nested raw inputs make sub-namespaces, so their
 * leaves are checked one by one.
 */
export const checkDynamicValue = (
  valueType: t.Any | undefined,
  value: unknown,
  path: string,
): Checked => {
  if (valueType === undefined) return E.right(value)
  const decoded = decodeAt(valueType, value, path)
  if (E.isRight(decoded) || !isPlainObject(value)) return decoded
  const errors: ValidationError[] = []
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue
    const checked = checkDynamicValue(valueType, item, childPath(path, key))
    if (E.isLeft(checked)) errors.push(...checked.left)
    else setOwn(result, key, checked.right)
  }
  return errors.length > 0 ? E.left(errors) : E.right(result)
}

/** Checks one declared child, present or absent. */
const checkChild = (child: PortNode, value: unknown): Checked => {
  if (value === undefined) {
    if (!child.required) return E.right(undefined)
    if (child._tag === 'Port') return E.left([validationError(child.path, REQUIRED_MESSAGE)])
    // A required namespace that is absent is validated as empty, so that its own required
    // children are the ones reported; if that passes it stays absent.
    const checked = checkNamespace(child, {})
    return E.isLeft(checked) ? checked : E.right(undefined)
  }
  return child._tag === 'Port' ? checkPortValue(child, value) : checkNamespace(child, value)
}

/**
 * Checks the values of a namespace (present: the caller handles absence) and returns them
 * decoded, declared ports first, then the dynamic ones.
 */
export const checkNamespace = (
  namespace: NamespaceInfo,
  value: unknown,
): E.Either<ValidationError[], Readonly<Record<string, unknown>>> => {
  if (!isPlainObject(value)) {
    return E.left([
      validationError(namespace.path, `expected an object, got ${renderValue(value)}`),
    ])
  }
  const errors: ValidationError[] = []
  const result: Record<string, unknown> = {}
  for (const [name, child] of namespace.ports) {
    const checked = checkChild(child, ownValue(value, name))
    if (E.isLeft(checked)) errors.push(...checked.left)
    else if (checked.right !== undefined) setOwn(result, name, checked.right)
  }
  // `for…in` over a plain object's own keys: the order `Object.entries` gives, without its array
  // of pairs (checkpoint reloads and creations run this for every process).
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    const item = value[key]
    if (namespace.ports.has(key) || item === undefined) continue
    const path = childPath(namespace.path, key)
    if (!namespace.dynamic) {
      errors.push(validationError(path, UNEXPECTED_KEY_MESSAGE))
      continue
    }
    const checked = checkDynamicValue(namespace.valueType, item, path)
    if (E.isLeft(checked)) errors.push(...checked.left)
    else setOwn(result, key, checked.right)
  }
  if (errors.length === 0 && namespace.validator !== undefined) {
    const validator = namespace.validator
    const error = runValidator(namespace.path, () => validator(result, namespace))
    if (error !== undefined) errors.push(error)
  }
  return errors.length > 0 ? E.left(errors) : E.right(result)
}
