/**
 * A small structural diff between two JSON values, as immer patches, and its application with
 * immer's `applyPatches`. Incremental checkpoints store these patches in a compact text form.
 */
import { applyPatches, enablePatches, type Patch } from 'immer'

export type { Patch } from 'immer'

enablePatches()

/**
 * Keys immer refuses in a path, or that an assignment would turn into a prototype change. A diff
 * that would touch one replaces the whole value instead, which immer applies without copying.
 */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Thrown inside the diff when a patch would be unsafe to apply; caught by `diffJson`. */
const UNSAFE = Symbol('unsafe')

/**
 * The patches that turn `previous` into `next`, both JSON values: objects key by key, arrays by
 * their common prefix (then appends, or removals from the end), anything else replaced whole.
 * Unchanged parts cost nothing; `applyJsonPatches(previous, diffJson(previous, next))` deep-equals
 * `next`, down to the order of keys (an object whose keys were reordered is replaced whole).
 *
 * @example
 * diffJson({ at: [0, 1], ctx: { i: 1 } }, { at: [0, 1], ctx: { i: 2 } })
 * // [{ op: 'replace', path: ['ctx', 'i'], value: 2 }]
 */
export const diffJson = (previous: unknown, next: unknown): Patch[] => {
  const patches: Patch[] = []
  try {
    diffInto(previous, next, [], patches)
  } catch (error) {
    if (error !== UNSAFE) throw error
    return [{ op: 'replace', path: [], value: next }]
  }
  return patches
}

const diffInto = (a: unknown, b: unknown, path: (string | number)[], out: Patch[]): void => {
  if (Object.is(a, b)) return
  if (Array.isArray(a) && Array.isArray(b)) return diffArrays(a, b, path, out)
  if (isRecord(a) && isRecord(b)) return diffObjects(a, b, path, out)
  out.push({ op: 'replace', path, value: checkedValue(b) })
}

const diffArrays = (a: unknown[], b: unknown[], path: (string | number)[], out: Patch[]) => {
  const common = Math.min(a.length, b.length)
  for (let i = 0; i < common; i++) diffInto(a[i], b[i], [...path, i], out)
  for (let i = common; i < b.length; i++)
    out.push({ op: 'add', path: [...path, i], value: checkedValue(b[i]) })
  // From the end, so each index is still the one meant when it is removed.
  for (let i = a.length - 1; i >= common; i--) out.push({ op: 'remove', path: [...path, i] })
}

const diffObjects = (
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  path: (string | number)[],
  out: Patch[],
) => {
  const aKeys = Object.keys(a)
  const bKeys = Object.keys(b)
  const kept = aKeys.filter((key) => Object.hasOwn(b, key))
  // Patching keeps the kept keys in their order and appends new ones. When `b` orders its keys
  // otherwise, replace it whole: key order shows in `Object.keys`, so a resumed process must see
  // the same order as one that never stopped.
  if (kept.some((key, index) => bKeys[index] !== key)) {
    out.push({ op: 'replace', path, value: checkedValue(b) })
    return
  }
  for (const key of aKeys) {
    if (UNSAFE_KEYS.has(key)) throw UNSAFE
    if (!Object.hasOwn(b, key)) out.push({ op: 'remove', path: [...path, key] })
  }
  for (const key of bKeys) {
    if (UNSAFE_KEYS.has(key)) throw UNSAFE
    if (Object.hasOwn(a, key)) diffInto(a[key], b[key], [...path, key], out)
    else out.push({ op: 'add', path: [...path, key], value: checkedValue(b[key]) })
  }
}

/** A value about to go into a patch; immer clones it by assignment, so no unsafe key inside. */
const checkedValue = (value: unknown): unknown => {
  if (Array.isArray(value)) value.forEach(checkedValue)
  else if (isRecord(value)) {
    for (const key of Object.keys(value)) {
      if (UNSAFE_KEYS.has(key)) throw UNSAFE
      checkedValue(value[key])
    }
  }
  return value
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Apply patches to a JSON value with immer; the value itself is left untouched. */
export const applyJsonPatches = (value: unknown, patches: readonly Patch[]): unknown =>
  applyPatches(value as object, patches)

/**
 * Patches as compact JSON text. An entry `[path, value]` sets the value at `path` and `[path]`
 * removes it. Setting is applied as immer's `replace`, which assigns: for objects that is what
 * `add` does too, and `diffJson` only adds to arrays at their end, where assigning appends.
 * Compactness matters: an increment of a loop checkpoint is about 30 bytes.
 */
export const encodePatches = (patches: readonly Patch[]): string =>
  JSON.stringify(
    patches.map((patch) => (patch.op === 'remove' ? [patch.path] : [patch.path, patch.value])),
  )

/** Read `encodePatches` text; a string saying what is wrong when it is not such text. */
export const decodePatches = (text: string): Patch[] | string => {
  let entries: unknown
  try {
    entries = JSON.parse(text)
  } catch (error) {
    return `a patch is not JSON: ${String(error)}`
  }
  if (!Array.isArray(entries)) return 'a patch must be a list of entries'
  const patches: Patch[] = []
  for (const entry of entries) {
    if (!Array.isArray(entry) || (entry.length !== 1 && entry.length !== 2)) {
      return 'a patch entry must be [path] or [path, value]'
    }
    const path: unknown = entry[0]
    if (!Array.isArray(path) || !path.every(isPathKey)) {
      return 'a patch path must be a list of strings and non-negative integers'
    }
    const keys = path as (string | number)[]
    patches.push(
      entry.length === 1
        ? { op: 'remove', path: keys }
        : { op: 'replace', path: keys, value: entry[1] },
    )
  }
  return patches
}

const isPathKey = (key: unknown): boolean =>
  typeof key === 'string' || (typeof key === 'number' && Number.isInteger(key) && key >= 0)
