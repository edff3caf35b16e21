/**
 * `expose`: absorbing another definition's ports. The result is a plain fields record of fresh
 * descriptors (deep copies of the built ports), to spread into another spec's inputs or outputs,
 * carrying the properties of the source namespace as plumpy's `absorb` does: onto the new
 * namespace, or (at the top level) onto the namespace the fields are spread into.
 */
import type * as t from 'io-ts'
import {
  exposedNamespace,
  type Descriptor,
  type Fields,
  type NamespaceDescriptor,
  type NamespaceOptions,
  type NoOptions,
  type PortDescriptor,
  type PortOptions,
} from './descriptors.js'
import { SpecError } from './errors.js'
import type { ExposedFields } from './infer-expose.js'
import { PortNamespace } from './namespace.js'
import type { DefaultSpec, NamespaceInfo, PortInfo, PortNode } from './node.js'
import { deepCopyPlain } from './plain.js'
import type { ProcessSpec } from './spec.js'

type NamespaceValidator = {
  // A method, so that a validator typed for narrower values still fits (see PortOptions).
  validate(values: Readonly<Record<string, unknown>>, namespace: NamespaceInfo): string | undefined
}['validate']

/**
 * The namespace options `expose` takes: the options of `namespace()`, where `undefined` clears a
 * property copied from the source namespace. Only `help`, `validator`, `default` and `valueType`
 * can be cleared (`required`, `dynamic` and `populateDefaults` are booleans: say `false`).
 * Clearing `valueType` leaves the namespace dynamic only if the source declared `dynamic: true`.
 */
export interface ExposeNamespaceOptions {
  readonly help?: string | undefined
  readonly required?: boolean
  readonly validator?: NamespaceValidator | undefined
  readonly default?:
    | Readonly<Record<string, unknown>>
    | (() => Readonly<Record<string, unknown>>)
    | undefined
  readonly dynamic?: boolean
  readonly valueType?: t.Any | undefined
  readonly populateDefaults?: boolean
}

/**
 * Refuses, at compile time, `namespaceOptions` keys that are not options: a `const` type
 * parameter takes an object literal as it is, extra keys included, so they are named `never`.
 */
type KnownNamespaceOptions<O> = O extends { readonly namespaceOptions: infer N }
  ? {
      readonly namespaceOptions: {
        readonly [K in Exclude<keyof N, keyof ExposeNamespaceOptions>]: never
      }
    }
  : unknown

/** The namespace options there are, and those `undefined` may clear. */
const NAMESPACE_OPTIONS: ReadonlySet<string> = new Set([
  'help',
  'required',
  'validator',
  'default',
  'dynamic',
  'valueType',
  'populateDefaults',
])
const CLEARABLE_OPTIONS: ReadonlySet<string> = new Set([
  'help',
  'validator',
  'default',
  'valueType',
])

/**
 * Options of {@link expose}.
 *
 * - `include` / `exclude` (not both): dotted paths; `'sub.x'` keeps or removes `x` inside `sub`.
 * - `namespace`: put the ports under this (dotted) namespace instead of at the top level.
 * - `namespaceOptions`: options overriding (or, as `undefined`, clearing) the properties copied
 *   from the source namespace (its help, required, validator, default, dynamic, value type,
 *   populateDefaults), for the new namespace or, at the top level, for the one the fields are
 *   spread into. An unknown key is refused.
 */
export interface ExposeOptions {
  readonly include?: ReadonlyArray<string>
  readonly exclude?: ReadonlyArray<string>
  readonly namespace?: string
  readonly namespaceOptions?: ExposeNamespaceOptions
}

/** What can be exposed: a spec (its inputs) or a namespace of a spec. */
export type ExposeSource = ProcessSpec<any, any, any, any> | PortNamespace<any, any>

/** A tree of include or exclude rules: a name maps to the whole child or to rules inside it. */
type Rules = Map<string, 'whole' | Rules>

const addRule = (rules: Rules, segments: ReadonlyArray<string>): void => {
  const [head, ...rest] = segments
  if (head === undefined) return
  const existing = rules.get(head)
  if (rest.length === 0) rules.set(head, 'whole')
  else if (existing === 'whole') return
  else {
    const nested: Rules = existing ?? new Map()
    rules.set(head, nested)
    addRule(nested, rest)
  }
}

/** Parses the rules, rejecting any path that names no port of the source. */
const parseRules = (source: NamespaceInfo, paths: ReadonlyArray<string>, option: string): Rules => {
  const rules: Rules = new Map()
  for (const path of paths) {
    let node: PortInfo | NamespaceInfo | undefined = source
    for (const segment of path.split('.')) {
      node = node?._tag === 'PortNamespace' ? node.ports.get(segment) : undefined
    }
    if (node === undefined) {
      throw new SpecError(`expose: ${option} '${path}' names no port of ${source.path}`)
    }
    addRule(rules, path.split('.'))
  }
  return rules
}

/** A default as an options value: a copied value, or the lazy function itself. */
const defaultOption = (spec: DefaultSpec): { default?: unknown } => {
  switch (spec._tag) {
    case 'NoDefault':
      return {}
    case 'ValueDefault':
      return { default: deepCopyPlain(spec.value) }
    case 'LazyDefault':
      return { default: spec.make }
    default: {
      const unreachable: never = spec
      return unreachable
    }
  }
}

const portDescriptor = (port: PortInfo): PortDescriptor => {
  const options: PortOptions<t.Any> = {
    ...(port.help === undefined ? {} : { help: port.help }),
    required: port.declaredRequired,
    ...defaultOption(port.default),
    ...(port.validator === undefined ? {} : { validator: port.validator }),
  }
  return Object.freeze({
    _tag: 'PortDescriptor',
    codec: port.codec,
    options: Object.freeze(options),
  })
}

/** The options of a built namespace, as they would be written in `namespace(fields, options)`. */
const namespaceOptionsOf = (namespace: NamespaceInfo): NamespaceOptions =>
  ({
    ...(namespace.help === undefined ? {} : { help: namespace.help }),
    required: namespace.declaredRequired,
    ...(namespace.validator === undefined ? {} : { validator: namespace.validator }),
    ...defaultOption(namespace.default),
    // As declared: a value type makes the namespace dynamic again, and clearing it does not.
    dynamic: namespace.declaredDynamic,
    ...(namespace.valueType === undefined ? {} : { valueType: namespace.valueType }),
    populateDefaults: namespace.populateDefaults,
  }) as NamespaceOptions // the default was checked against these ports when they were built

/**
 * The copied options with `overrides` applied: a value replaces, `undefined` clears.
 *
 * @throws SpecError for an unknown option, or `undefined` for one that cannot be cleared.
 */
const overrideOptions = (
  copied: NamespaceOptions,
  overrides: ExposeNamespaceOptions,
): NamespaceOptions => {
  const options: Record<string, unknown> = { ...copied }
  for (const [key, value] of Object.entries(overrides)) {
    if (!NAMESPACE_OPTIONS.has(key)) {
      const known = [...NAMESPACE_OPTIONS].join(', ')
      throw new SpecError(`expose: unknown namespaceOptions key '${key}' (known: ${known})`)
    }
    if (value !== undefined) options[key] = value
    else if (CLEARABLE_OPTIONS.has(key)) delete options[key]
    else {
      const clearable = [...CLEARABLE_OPTIONS].join(', ')
      throw new SpecError(
        `expose: namespaceOptions.${key} cannot be cleared with undefined (only ${clearable} can)`,
      )
    }
  }
  return options as NamespaceOptions // a default given here is checked when the spec is built
}

const namespaceDescriptor = (fields: Fields, options: NamespaceOptions): NamespaceDescriptor =>
  Object.freeze({
    _tag: 'NamespaceDescriptor',
    fields: Object.freeze(fields),
    options: Object.freeze(options),
  })

/** A fresh descriptor for a whole port or namespace. */
const copyWhole = (child: PortNode): Descriptor =>
  child._tag === 'Port'
    ? portDescriptor(child)
    : namespaceDescriptor(copyFields(child, new Map(), 'exclude'), namespaceOptionsOf(child))

/**
 * Copies the children of `namespace` that the rules keep. Without a rule a child is kept when
 * excluding and dropped when including; nested rules apply inside a namespace, which is kept.
 */
const copyFields = (
  namespace: NamespaceInfo,
  rules: Rules,
  mode: 'include' | 'exclude',
): Fields => {
  const fields: Record<string, Descriptor> = {}
  for (const [name, child] of namespace.ports) {
    const rule = rules.get(name)
    if (rule === undefined) {
      if (mode === 'exclude') fields[name] = copyWhole(child)
    } else if (rule === 'whole') {
      if (mode === 'include') fields[name] = copyWhole(child)
    } else if (child._tag === 'PortNamespace') {
      // parseRules only lets nested rules through for namespaces.
      fields[name] = namespaceDescriptor(copyFields(child, rule, mode), namespaceOptionsOf(child))
    }
  }
  return fields
}

/**
 * Returns the ports of another definition as a fields record, to spread into a spec's inputs
 * or outputs. A `ProcessSpec` exposes its inputs; pass `spec.outputs` to expose its outputs.
 * The returned descriptors are fresh deep copies, independent of the source.
 *
 * The properties of the source namespace (help, required, validator, default, dynamic, value
 * type, populateDefaults) go with the ports, as in plumpy: onto the new namespace with
 * `namespace`, else onto the namespace the fields are spread into (the spec's `inputs`), under
 * that namespace's own options, which win. `namespaceOptions` override or clear them first.
 *
 * @throws SpecError for include and exclude together, a rule naming no port of the source, or
 *   an unknown namespace option.
 *
 * @example
 * const child = buildSpec({ inputs: { x: input(t.number), y: input(t.number) } })
 * const parent = buildSpec({
 *   inputs: { ...expose(child, { namespace: 'child', exclude: ['y'] }), z: input(t.string) },
 * })
 */
export function expose<S extends ExposeSource>(source: S): ExposedFields<S, NoOptions>
export function expose<S extends ExposeSource, const O extends ExposeOptions>(
  source: S,
  options: O & KnownNamespaceOptions<O>,
): ExposedFields<S, O>
export function expose(source: ExposeSource, options: ExposeOptions = {}): Fields {
  const root: NamespaceInfo = source instanceof PortNamespace ? source : source.inputs
  const { include, exclude, namespace, namespaceOptions } = options
  if (include !== undefined && exclude !== undefined) {
    throw new SpecError('expose: give include or exclude, not both')
  }
  const copied = Object.freeze(overrideOptions(namespaceOptionsOf(root), namespaceOptions ?? {}))
  const fields =
    include !== undefined
      ? copyFields(root, parseRules(root, include, 'include'), 'include')
      : copyFields(root, parseRules(root, exclude ?? [], 'exclude'), 'exclude')
  if (namespace === undefined) return Object.freeze({ ...fields, [exposedNamespace]: copied })
  return Object.freeze({ [namespace]: namespaceDescriptor(fields, copied) })
}
