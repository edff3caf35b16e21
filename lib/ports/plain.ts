/**
 * Helpers for the plain data that flows through ports: JSON-like objects and arrays. Anything
 * else (class instances, functions) is treated as an opaque leaf: shared, never copied or frozen,
 * because we cannot copy it faithfully and must not freeze an object the caller still owns.
 */

/** A plain object: `{}` literal or `Object.create(null)`, not an array nor a class instance. */
export const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * The value stored under an own key, `undefined` when absent. An explicit `undefined` counts as
 * absent, as in most JavaScript APIs (JSON cannot even say it).
 */
export const ownValue = (record: Readonly<Record<string, unknown>>, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined

/**
 * Sets an own enumerable property. Plain assignment would treat a `__proto__` key (legal in JSON)
 * as the prototype setter instead of data.
 */
export const setOwn = (record: Record<string, unknown>, key: string, value: unknown): void => {
  // Only `__proto__` has a setter on Object.prototype: every other key assigns as data, and
  // plain assignment is several times faster than defineProperty on V8.
  if (key !== '__proto__') {
    record[key] = value
    return
  }
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  })
}

/** Copies plain objects and arrays all the way down; other values are shared. */
export const deepCopyPlain = <A>(value: A): A => {
  if (Array.isArray(value)) return value.map((item: unknown) => deepCopyPlain(item)) as A
  if (!isPlainObject(value)) return value
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) setOwn(copy, key, deepCopyPlain(item))
  return copy as A
}

/** Freezes plain objects and arrays all the way down, in place, and returns the value. */
export const deepFreeze = <A>(value: A): A => {
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item)
    return Object.freeze(value)
  }
  if (!isPlainObject(value)) return value
  // `for…in` over its own keys: the values `Object.values` gives, without its array.
  for (const key in value) if (Object.hasOwn(value, key)) deepFreeze(value[key])
  return Object.freeze(value)
}

/** The message of a thrown value, whatever was thrown. */
export const thrownMessage = (thrown: unknown): string =>
  thrown instanceof Error ? thrown.message : String(thrown)
