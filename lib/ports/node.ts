/**
 * The runtime shape of a built spec, as plain read-only data. Validation, defaults, descriptions
 * and output checks are functions over these shapes, so they do not depend on the class that
 * wraps them (`PortNamespace`) and the modules stay free of import cycles.
 */
import type * as t from 'io-ts'

/**
 * A port's default, as a tagged union so that "no default" and "a default of `undefined`" stay
 * different, and so that a lazy default is never mistaken for a value.
 */
export type DefaultSpec =
  | { readonly _tag: 'NoDefault' }
  | { readonly _tag: 'ValueDefault'; readonly value: unknown }
  | { readonly _tag: 'LazyDefault'; readonly make: () => unknown }

/** The default of a port or namespace that has none. */
export const noDefault: DefaultSpec = { _tag: 'NoDefault' }

/** Reads a default given in options: a function is lazy (evaluated at each parse), else a value. */
export const defaultFromOption = (hasDefault: boolean, value: unknown): DefaultSpec => {
  if (!hasDefault) return noDefault
  return typeof value === 'function'
    ? { _tag: 'LazyDefault', make: value as () => unknown }
    : { _tag: 'ValueDefault', value }
}

/**
 * A built port, as its validator sees it.
 *
 * `path` is the full dotted path from the root namespace (`inputs.sub.x`); `required` is the
 * effective flag (a default makes a port optional), `declaredRequired` what the options said.
 */
export interface PortInfo {
  readonly _tag: 'Port'
  readonly name: string
  readonly path: string
  readonly codec: t.Any
  readonly help: string | undefined
  readonly required: boolean
  readonly declaredRequired: boolean
  readonly default: DefaultSpec
  readonly validator: ((value: any, port: PortInfo) => string | undefined) | undefined
}

/**
 * A built namespace, as its validator sees it: its attributes and its children in declaration
 * order. `holdsDefault` says whether filling defaults into an absent copy of it gives anything
 * (some port below has a default), which decides whether an optional namespace appears in parsed
 * inputs. `dynamic` is the effective flag (a value type makes a namespace dynamic),
 * `declaredDynamic` what the options said.
 */
export interface NamespaceInfo {
  readonly _tag: 'PortNamespace'
  readonly name: string
  readonly path: string
  readonly ports: ReadonlyMap<string, PortInfo | NamespaceInfo>
  readonly help: string | undefined
  readonly required: boolean
  readonly declaredRequired: boolean
  readonly default: DefaultSpec
  readonly validator: ((values: any, namespace: NamespaceInfo) => string | undefined) | undefined
  readonly dynamic: boolean
  readonly declaredDynamic: boolean
  readonly valueType: t.Any | undefined
  readonly populateDefaults: boolean
  readonly holdsDefault: boolean
  /**
   * The port or namespace at a dotted path below this namespace (plumpy's `get_port`), or
   * `undefined` when none is declared there: a validator shared by several specs (one copied by
   * `expose`, say) asks it whether a port was left out.
   */
  getPort(dottedPath: string): PortNode | undefined
}

/** A child of a namespace. */
export type PortNode = PortInfo | NamespaceInfo

/** Joins a parent path and a child name into a dotted path. */
export const childPath = (parent: string, name: string): string =>
  parent === '' ? name : `${parent}.${name}`
