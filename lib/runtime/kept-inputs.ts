/**
 * The raw inputs a process keeps for its checkpoints (they are parsed again, with the defaults of
 * the day, when it is loaded). When parsing changed nothing (no default filled in, nothing
 * converted) the parsed inputs, deeply frozen, stand for them: one object instead of two for
 * every process, and the caller's object is not kept (changing it after `create` changes nothing).
 */

/** `parsed` when it holds the same data as `raw`, otherwise `raw`. */
export const keptRawInputs = (raw: unknown, parsed: unknown): unknown =>
  sameData(raw, parsed, 0) ? parsed : raw

/** Deeper than this, the comparison gives up (and the raw inputs are kept as they are). */
const MAX_DEPTH = 32

const sameData = (a: unknown, b: unknown, depth: number): boolean => {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (depth > MAX_DEPTH) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i], depth + 1)) return false
    return true
  }
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false
    const left = (a as Record<string, unknown>)[key]
    const right = (b as Record<string, unknown>)[key]
    if (!sameData(left, right, depth + 1)) return false
  }
  return true
}

const isPlain = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
