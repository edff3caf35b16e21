/**
 * The description of a spec as a JSON tree, with plumpy's keys (`_attrs`, `valid_type`, ...) and
 * JSON-native values: booleans for `required`, `null` where plumpy prints `None`, the io-ts
 * codec's name for a type. Tools that read plumpy descriptions can read these.
 */
import * as t from 'io-ts'
import type { DefaultSpec, NamespaceInfo, PortInfo } from './node.js'
import { deepCopyPlain, setOwn } from './plain.js'

/** How a lazy (function) default is shown: it has no value until a process is created. */
export const LAZY_DEFAULT_DESCRIPTION = '<lazy>'

/** The description of a port. Optional keys appear only when the port sets them. */
export interface PortDescription {
  readonly name: string
  readonly required: boolean
  readonly valid_type?: string
  readonly help?: string
  readonly default?: unknown
}

/** The attributes of a namespace, always all present. */
export interface NamespaceAttributes {
  readonly default: unknown
  readonly dynamic: boolean
  readonly help: string | null
  readonly required: boolean
  readonly valid_type: string | null
}

/** The description of a namespace: its attributes under `_attrs`, then one entry per child. */
export type NamespaceDescription = {
  readonly _attrs: NamespaceAttributes
  readonly [name: string]: NamespaceAttributes | PortDescription | NamespaceDescription
}

const describeDefault = (spec: DefaultSpec): unknown => {
  switch (spec._tag) {
    case 'NoDefault':
      return null
    case 'ValueDefault':
      return deepCopyPlain(spec.value)
    case 'LazyDefault':
      return LAZY_DEFAULT_DESCRIPTION
    default: {
      const unreachable: never = spec
      return unreachable
    }
  }
}

/** Describes a port, in plumpy's key order: name, required, valid_type, help, default. */
export const describePort = (port: PortInfo): PortDescription => {
  const description: {
    name: string
    required: boolean
    valid_type?: string
    help?: string
    default?: unknown
  } = { name: port.name, required: port.required }
  // `t.unknown` is what a port without a type gets: plumpy shows no valid_type for it either.
  if (port.codec !== t.unknown) description.valid_type = port.codec.name
  if (port.help !== undefined) description.help = port.help
  if (port.default._tag !== 'NoDefault') description.default = describeDefault(port.default)
  return description
}

/** Describes a namespace and everything in it, children in declaration order. */
export const describeNamespace = (namespace: NamespaceInfo): NamespaceDescription => {
  const description: Record<string, unknown> = {
    _attrs: {
      default: describeDefault(namespace.default),
      dynamic: namespace.dynamic,
      help: namespace.help ?? null,
      required: namespace.required,
      valid_type: namespace.valueType?.name ?? null,
    } satisfies NamespaceAttributes,
  }
  for (const [name, child] of namespace.ports) {
    setOwn(
      description,
      name,
      child._tag === 'Port' ? describePort(child) : describeNamespace(child),
    )
  }
  return description as NamespaceDescription
}
