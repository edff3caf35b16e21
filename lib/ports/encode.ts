/**
 * Encoding decoded values back to their wire form, port by port, with each codec's `encode`: a
 * port typed by a codec that turns an ISO string into a `Date` gives the string back. This is
 * what a checkpoint stores of parsed inputs, so that they are JSON and decode to the same values.
 */
import * as t from 'io-ts'
import type { NamespaceInfo, PortNode } from './node.js'
import { isPlainObject, setOwn } from './plain.js'

const asIs = new WeakMap<NamespaceInfo, boolean>()

/**
 * Whether every codec under `namespace` encodes a value as itself (io-ts's primitives, `t.type`,
 * `t.union`… of such codecs do), so that encoding can be skipped. Computed once per namespace.
 */
export const encodesAsIs = (namespace: NamespaceInfo): boolean => {
  let known = asIs.get(namespace)
  if (known === undefined) {
    known =
      (namespace.valueType === undefined || namespace.valueType.encode === t.identity) &&
      [...namespace.ports.values()].every((child: PortNode) =>
        child._tag === 'Port' ? child.codec.encode === t.identity : encodesAsIs(child),
      )
    asIs.set(namespace, known)
  }
  return known
}

/** The wire form of decoded `values` of `namespace` (the values themselves when nothing encodes). */
export const encodeNamespace = (namespace: NamespaceInfo, values: unknown): unknown => {
  if (encodesAsIs(namespace) || !isPlainObject(values)) return values
  const encoded: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(values)) {
    const child = namespace.ports.get(key)
    setOwn(
      encoded,
      key,
      child === undefined
        ? encodeDynamic(namespace.valueType, value)
        : child._tag === 'Port'
          ? child.codec.encode(value)
          : encodeNamespace(child, value),
    )
  }
  return encoded
}

/** A value under a dynamic namespace: of the value type, or a sub-namespace of such values. */
const encodeDynamic = (valueType: t.Any | undefined, value: unknown): unknown => {
  if (valueType === undefined || valueType.encode === t.identity) return value
  if (valueType.is(value)) return valueType.encode(value)
  if (!isPlainObject(value)) return value
  const encoded: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value))
    setOwn(encoded, key, encodeDynamic(valueType, item))
  return encoded
}
