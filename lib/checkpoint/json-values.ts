/**
 * Checkpoints are JSON, so whatever a process keeps (context, outputs, inputs, results) must be
 * JSON too. `JSON.stringify` does not refuse what it cannot represent: a Date becomes a string, a
 * Map an empty object, NaN `null`, and a BigInt throws without saying where it was. This walk
 * finds the first such value and names its dotted path, so the error says what to change.
 */

/** Why `value` would not come back unchanged from JSON (`path: reason`), or undefined. */
export const notJsonReason = (value: unknown, path: string): string | undefined => {
  if (typeof value !== 'object' || value === null) return leafReason(value, path)
  // Checked at every checkpoint, so the common case (it is JSON) allocates nothing; only a
  // failure, or a structure deep enough to hide a cycle, takes the walk that records the path.
  if (isJson(value, 0)) return undefined
  const keys: (string | number)[] = []
  const found = walk(value, keys, [])
  return found === undefined ? undefined : `${formatPath(path, keys)}: ${found}`
}

/** Beyond this depth the fast check gives up and the walk that detects cycles decides. */
const FAST_DEPTH = 64

/** True when `value` is plain JSON data (false also when it is too deep to tell cheaply). */
const isJson = (value: unknown, depth: number): boolean => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object': {
      if (value === null) return true
      if (depth === FAST_DEPTH) return false
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i]
          // A hole reads as undefined too.
          if (item === undefined || !isJson(item, depth + 1)) return false
        }
        return true
      }
      const prototype: unknown = Object.getPrototypeOf(value)
      if (prototype !== Object.prototype && prototype !== null) return false
      for (const key in value) {
        const item: unknown = (value as Record<string, unknown>)[key]
        if (item !== undefined && !isJson(item, depth + 1)) return false
      }
      return true
    }
    default:
      return false
  }
}

/**
 * `notJsonReason` for each item of a list the engine makes (a step's arguments, a generator's
 * journal). An undefined item is let through: it stands for "no value" (`resume()`, a step that
 * returned nothing), which the null it comes back as means too, and refusing it would refuse
 * every generator step that waits for a plain `resume()`.
 */
export const notJsonItems = (items: readonly unknown[], path: string): string | undefined => {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    if (item === undefined) continue
    const reason = notJsonReason(item, `${path}[${i}]`)
    if (reason !== undefined) return reason
  }
  return undefined
}

/**
 * The reason the value at `keys` is not JSON, leaving `keys` at its path; undefined when it is.
 * `ancestors` are the objects being walked into, to report a cycle instead of looping.
 */
const walk = (
  value: unknown,
  keys: (string | number)[],
  ancestors: object[],
): string | undefined => {
  if (typeof value !== 'object' || value === null) return leafReason(value)
  if (ancestors.includes(value)) return 'it contains itself (a cycle), which JSON cannot hold'
  ancestors.push(value)
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return instanceReason(value)
    for (let i = 0; i < value.length; i++) {
      keys.push(i)
      if (!(i in value)) return 'an array with a hole is not JSON (it comes back as null)'
      const item: unknown = value[i]
      if (item === undefined) return 'undefined in an array is not JSON (it comes back as null)'
      const found = walk(item, keys, ancestors)
      if (found !== undefined) return found
      keys.pop()
    }
  } else {
    const prototype: unknown = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) return instanceReason(value)
    for (const key in value) {
      const item: unknown = (value as Record<string, unknown>)[key]
      // JSON drops an undefined property, and reading it back gives undefined all the same.
      if (item === undefined) continue
      keys.push(key)
      const found = walk(item, keys, ancestors)
      if (found !== undefined) return found
      keys.pop()
    }
  }
  ancestors.pop()
  return undefined
}

const leafReason = (value: unknown, path?: string): string | undefined => {
  const reason = primitiveReason(value)
  return reason === undefined || path === undefined ? reason : `${path}: ${reason}`
}

const primitiveReason = (value: unknown): string | undefined => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : `${String(value)} is not JSON (it comes back as null); store null or a string`
    case 'bigint':
      return 'a BigInt is not JSON; store a string (or a number when it is small enough)'
    case 'function':
      return 'a function is not JSON; keep code in steps and data in the context'
    case 'symbol':
      return 'a symbol is not JSON; store a string'
    case 'undefined':
      return 'undefined is not JSON; leave the key out or store null'
    default:
      return undefined
  }
}

const instanceReason = (value: object): string => {
  // By its built-in tag: the pure core does not touch the Date global (time comes in a port).
  if (Object.prototype.toString.call(value) === '[object Date]')
    return 'a Date is not JSON; store an ISO string (toISOString())'
  if (value instanceof Map)
    return 'a Map is not JSON; store a plain object or an array of [key, value] pairs'
  if (value instanceof Set) return 'a Set is not JSON; store an array'
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  const what = typeof name === 'string' && name !== '' ? `a ${name} instance` : 'a class instance'
  return `${what} is not JSON; store its data as a plain object`
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

const formatPath = (root: string, keys: readonly (string | number)[]): string => {
  let path = root
  for (const key of keys)
    path +=
      typeof key === 'number'
        ? `[${key}]`
        : IDENTIFIER.test(key)
          ? `${path === '' ? '' : '.'}${key}`
          : `[${JSON.stringify(key)}]`
  return path
}
