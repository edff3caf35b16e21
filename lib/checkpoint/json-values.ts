/**
 * Checkpoints are JSON, so whatever a process keeps (context, outputs, inputs, results) must be
 * JSON too. `JSON.stringify` does not refuse what it cannot represent: a Date becomes a string, a
 * Map an empty object, NaN `null`, and a BigInt throws without saying where it was. This walk
 * finds the first such value and names its dotted path, so the error says what to change.
 *
 * It also holds each value to the checkpoint limits: data nested deeper than `maxDepth` would
 * overflow the stack of whatever walks it next (immer, `JSON.stringify`, a store's parser), and a
 * text longer than `maxLength` may not be writable at all (V8's strings end near 512 Mi
 * characters, a PostgreSQL `jsonb` near 256 MiB). Both are found before any write, by a walk
 * that never recurses deeper than the limit.
 */
import type { CheckpointLimits } from './limits.js'
import { DEFAULT_CHECKPOINT_LIMITS } from './limits.js'

/** Why a value cannot be kept in a checkpoint, with its path: not JSON, or past a limit. */
export interface ValueProblem {
  readonly problem: 'not-json' | 'too-large'
  readonly reason: string
}

/** Why `value` cannot be kept in a checkpoint (its path in the reason), or undefined. */
export const valueProblem = (
  value: unknown,
  path: string,
  limits: CheckpointLimits = DEFAULT_CHECKPOINT_LIMITS,
): ValueProblem | undefined => {
  const length: Length = { low: 0, high: 0 }
  if (typeof value !== 'object' || value === null) {
    const reason = primitiveReason(value)
    if (reason !== undefined) return notJson(`${path}: ${reason}`)
    countPrimitive(value, length)
    return lengthProblem(value, path, length, limits.maxLength)
  }
  // Checked at every checkpoint, so the common case (it is JSON, small and shallow) allocates
  // one counter; only a failure, or a structure too deep for the fast check, takes the walk
  // that records the path.
  if (!isJson(value, Math.min(FAST_DEPTH, limits.maxDepth), length)) {
    length.low = 0
    length.high = 0
    const keys: (string | number)[] = []
    const found = walk(value, keys, limits.maxDepth, length)
    if (found !== undefined)
      return { ...found, reason: `${shortPath(path, keys)}: ${found.reason}` }
  }
  return lengthProblem(value, path, length, limits.maxLength)
}

/**
 * `valueProblem` for each item of a list the engine makes (a step's arguments, a generator's
 * journal). An undefined item is let through: it stands for "no value" (`resume()`, a step that
 * returned nothing), which the null it comes back as means too, and refusing it would refuse
 * every generator step that waits for a plain `resume()`.
 */
export const itemsProblem = (
  items: readonly unknown[],
  path: string,
  limits: CheckpointLimits = DEFAULT_CHECKPOINT_LIMITS,
): ValueProblem | undefined => {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    if (item === undefined) continue
    const problem = valueProblem(item, `${path}[${i}]`, limits)
    if (problem !== undefined) return problem
  }
  return undefined
}

/** Beyond this depth the fast check gives up and the walk that detects cycles decides. */
const FAST_DEPTH = 64

/**
 * Bounds of the length of a value's JSON text, counted as the walks go: `low` counts strings and
 * keys by their length and every other value by as few characters as it can take, `high` as
 * many as it can take (a number up to 25, an escaped character 6, a comma after each item).
 */
interface Length {
  low: number
  high: number
}

const countPrimitive = (value: unknown, length: Length): void => {
  if (typeof value === 'string') {
    length.low += value.length + 2
    length.high += 6 * value.length + 3
  } else if (typeof value === 'number') {
    length.low += 1
    length.high += 26
  } else {
    length.low += 4
    length.high += 6
  }
}

const countKey = (key: string, length: Length): void => {
  length.low += key.length + 3
  length.high += 6 * key.length + 3
}

const countContainer = (length: Length): void => {
  length.low += 2
  length.high += 3
}

/**
 * True when `value` is plain JSON data (false also when it is deeper than `depthLeft` allows),
 * counting the length of its text into `length`.
 */
const isJson = (value: unknown, depthLeft: number, length: Length): boolean => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      countPrimitive(value, length)
      return true
    case 'number':
      countPrimitive(value, length)
      return Number.isFinite(value)
    case 'object': {
      if (value === null) {
        countPrimitive(value, length)
        return true
      }
      if (depthLeft === 0) return false
      countContainer(length)
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i]
          // A hole reads as undefined too.
          if (item === undefined || !isJson(item, depthLeft - 1, length)) return false
        }
        return true
      }
      const prototype: unknown = Object.getPrototypeOf(value)
      if (prototype !== Object.prototype && prototype !== null) return false
      for (const key in value) {
        const item: unknown = (value as Record<string, unknown>)[key]
        if (item === undefined) continue
        countKey(key, length)
        if (!isJson(item, depthLeft - 1, length)) return false
      }
      return true
    }
    default:
      return false
  }
}

/** One object being walked into, and where the walk is in it. */
interface Frame {
  readonly value: object
  readonly keys: readonly (string | number)[]
  next: number
}

/**
 * The problem of the value at `keys`, leaving `keys` at its path; undefined when it is JSON
 * within `maxDepth`. Iterative, so that no depth of data can overflow the stack here; the
 * objects on the path are kept to report a cycle instead of looping. Adds the same lower bound
 * as `isJson` to `length`.
 */
const walk = (
  root: object,
  keys: (string | number)[],
  maxDepth: number,
  length: Length,
): ValueProblem | undefined => {
  const stack: Frame[] = []
  const onPath = new Set<object>()
  const enter = (value: object): ValueProblem | undefined => {
    countContainer(length)
    if (onPath.has(value)) return notJson('it contains itself (a cycle), which JSON cannot hold')
    if (stack.length === maxDepth)
      return {
        problem: 'too-large',
        reason: `nests deeper than ${maxDepth} levels of arrays and objects (the checkpoint limit maxDepth)`,
      }
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return notJson(instanceReason(value))
      stack.push({ value, keys: Array.from(value, (_, i) => i), next: 0 })
    } else {
      const prototype: unknown = Object.getPrototypeOf(value)
      if (prototype !== Object.prototype && prototype !== null)
        return notJson(instanceReason(value))
      const own: string[] = []
      for (const key in value) own.push(key)
      stack.push({ value, keys: own, next: 0 })
    }
    onPath.add(value)
    return undefined
  }
  const entered = enter(root)
  if (entered !== undefined) return entered
  for (let frame = stack[stack.length - 1]; frame !== undefined; frame = stack[stack.length - 1]) {
    if (frame.next === frame.keys.length) {
      stack.pop()
      onPath.delete(frame.value)
      if (stack.length > 0) keys.pop()
      continue
    }
    const key = frame.keys[frame.next++] as string | number
    const isArray = typeof key === 'number'
    if (isArray && !(key in frame.value)) {
      keys.push(key)
      return notJson('an array with a hole is not JSON (it comes back as null)')
    }
    const item: unknown = (frame.value as Record<string | number, unknown>)[key]
    // JSON drops an undefined property, and reading it back gives undefined all the same.
    if (item === undefined && !isArray) continue
    keys.push(key)
    if (!isArray) countKey(key, length)
    if (item === undefined)
      return notJson('undefined in an array is not JSON (it comes back as null)')
    if (typeof item === 'object' && item !== null) {
      const problem = enter(item)
      if (problem !== undefined) return problem
      continue
    }
    const reason = primitiveReason(item)
    if (reason !== undefined) return notJson(reason)
    countPrimitive(item, length)
    keys.pop()
  }
  return undefined
}

/**
 * The problem of a JSON value whose text is `length` long, if that is more than `maxLength`. The
 * text is measured only when the bounds do not decide, and the path then leads to the part that
 * is too long (down the largest part while one part alone is over the limit).
 */
const lengthProblem = (
  value: unknown,
  path: string,
  length: Length,
  maxLength: number,
): ValueProblem | undefined => {
  if (length.high <= maxLength) return undefined
  const total = length.low > maxLength ? length.low : jsonLength(value)
  if (total <= maxLength) return undefined
  let at = value
  let where = path
  let size = total
  while (typeof at === 'object' && at !== null) {
    let largest: { key: string | number; size: number; value: unknown } | undefined
    for (const [key, item] of Object.entries(at)) {
      if (item === undefined) continue
      const itemSize = jsonLength(item)
      if (largest === undefined || itemSize > largest.size)
        largest = { key: Array.isArray(at) ? Number(key) : key, size: itemSize, value: item }
    }
    if (largest === undefined || largest.size <= maxLength) break
    where = formatPath(where, [largest.key])
    at = largest.value
    size = largest.size
  }
  const measured = !Number.isFinite(size)
    ? 'more characters of JSON than a string can hold'
    : `${size === length.low && size === total ? 'at least ' : ''}${size} characters of JSON`
  return {
    problem: 'too-large',
    reason: `${where}: ${measured}, more than the checkpoint limit of ${maxLength} (maxLength)`,
  }
}

/** The length of a value's JSON text; infinite when it is longer than a string can be. */
const jsonLength = (value: unknown): number => {
  try {
    return (JSON.stringify(value) ?? '').length
  } catch (error) {
    if (error instanceof RangeError) return Infinity
    throw error
  }
}

const notJson = (reason: string): ValueProblem => ({ problem: 'not-json', reason })

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

/** Keys shown of a long path: the first ones and the last ones, with a count between. */
const HEAD_KEYS = 10
const TAIL_KEYS = 3

/** `formatPath`, shortened in the middle when deep: `ctx.a[0][0]…(240 more)…[0][0].b`. */
const shortPath = (root: string, keys: readonly (string | number)[]): string => {
  if (keys.length <= HEAD_KEYS + TAIL_KEYS + 1) return formatPath(root, keys)
  const head = formatPath(root, keys.slice(0, HEAD_KEYS))
  const tail = formatPath('_', keys.slice(-TAIL_KEYS)).slice(1)
  return `${head}…(${keys.length - HEAD_KEYS - TAIL_KEYS} more)…${tail}`
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
