/**
 * `expose`: absorbing another definition's ports. The result is a plain fields record of fresh
 * descriptors (deep copies of the built ports), to spread into another spec's inputs or outputs.
 */
import type * as t from 'io-ts'
import type {
  Descriptor,
  Fields,
  NamespaceDescriptor,
  NamespaceOptions,
  NoOptions,
  PortDescriptor,
  PortOptions,
} from './descriptors.js'
import { SpecError } from './errors.js'
import type { ExposedFields } from './infer-expose.js'
import { PortNamespace } from './namespace.js'
import type { DefaultSpec, NamespaceInfo, PortInfo, PortNode } from './node.js'
import { deepCopyPlain } from './plain.js'
import type { ProcessSpec } from './spec.js'

/**
 * Options of {@link expose}.
 *
 * - `include` / `exclude` (not both): dotted paths; `'sub.x'` keeps or removes `x` inside `sub`.
 * - `namespace`: put the ports under this (dotted) namespace instead of at the top level.
 * - `namespaceOptions`: options of that namespace, overriding the ones copied from the source
 *   namespace (its help, required, validator, default, dynamic, value type, populateDefaults).
 */
export interface ExposeOptions {
  readonly include?: ReadonlyArray<string>
  readonly exclude?: ReadonlyArray<string>
  readonly namespace?: string
  readonly namespaceOptions?: NamespaceOptions
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
    dynamic: namespace.dynamic,
    ...(namespace.valueType === undefined ? {} : { valueType: namespace.valueType }),
    populateDefaults: namespace.populateDefaults,
  }) as NamespaceOptions // the default was checked against these ports when they were built

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
 * @throws SpecError for include and exclude together, namespace options without a namespace,
 *   or a rule naming no port of the source.
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
  options: O,
): ExposedFields<S, O>
export function expose(source: ExposeSource, options: ExposeOptions = {}): Fields {
  const root: NamespaceInfo = source instanceof PortNamespace ? source : source.inputs
  const { include, exclude, namespace, namespaceOptions } = options
  if (include !== undefined && exclude !== undefined) {
    throw new SpecError('expose: give include or exclude, not both')
  }
  if (namespaceOptions !== undefined && namespace === undefined) {
    throw new SpecError('expose: namespaceOptions need a namespace to apply to')
  }
  const fields =
    include !== undefined
      ? copyFields(root, parseRules(root, include, 'include'), 'include')
      : copyFields(root, parseRules(root, exclude ?? [], 'exclude'), 'exclude')
  if (namespace === undefined) return Object.freeze(fields)
  return Object.freeze({
    [namespace]: namespaceDescriptor(fields, { ...namespaceOptionsOf(root), ...namespaceOptions }),
  })
}
