/**
 * Turning descriptors into built ports and namespaces: dotted keys expanded into nested
 * namespaces, every definition error reported as a `SpecError` naming the dotted path, and
 * non-lazy defaults validated once, here.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  exposedNamespace,
  type Descriptor,
  type Fields,
  type NamespaceDescriptor,
  type NamespaceOptions,
  type PortDescriptor,
} from './descriptors.js'
import { fillNamespace } from './defaults.js'
import { formatValidationErrors, SpecError, type ValidationError } from './errors.js'
import { PortNamespace, type Port } from './namespace.js'
import { childPath, defaultFromOption, type PortInfo } from './node.js'
import { deepCopyPlain, isPlainObject } from './plain.js'
import { checkNamespace, checkPortValue } from './validate.js'

/** A child name plumpy descriptions already use for a namespace's attributes. */
const RESERVED_NAME = '_attrs'

const isDescriptor = (value: unknown): value is Descriptor =>
  typeof value === 'object' &&
  value !== null &&
  ((value as { _tag?: unknown })._tag === 'PortDescriptor' ||
    (value as { _tag?: unknown })._tag === 'NamespaceDescriptor')

const isCodec = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { decode?: unknown }).decode === 'function' &&
  typeof (value as { name?: unknown }).name === 'string'

const hasOwn = (record: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(record, key)

/** Throws for an invalid default, naming the port and each reason. */
const failIfInvalid = (
  path: string,
  what: string,
  errors: ReadonlyArray<ValidationError>,
): void => {
  if (errors.length === 0) return
  const reasons = errors.map((error) =>
    error.path === path ? error.message : formatValidationErrors([error]),
  )
  throw new SpecError(`${path}: invalid ${what}: ${reasons.join('; ')}`)
}

const buildPort = (name: string, path: string, descriptor: PortDescriptor): PortInfo => {
  if (!isCodec(descriptor.codec)) throw new SpecError(`${path}: the type is not an io-ts codec`)
  const options = descriptor.options
  const hasDefault = hasOwn(options, 'default')
  const declaredRequired = options.required ?? true
  const port: PortInfo = Object.freeze({
    _tag: 'Port',
    name,
    path,
    codec: descriptor.codec,
    help: options.help,
    required: declaredRequired && !hasDefault,
    declaredRequired,
    default: defaultFromOption(hasDefault, deepCopyPlain(options.default)),
    validator: options.validator,
  })
  // A lazy default is validated when it is called, at each parse; a value is validated now.
  if (port.default._tag === 'ValueDefault') {
    const checked = checkPortValue(port, port.default.value)
    if (E.isLeft(checked)) failIfInvalid(path, 'default', checked.left)
  }
  return port
}

/**
 * Groups the entries of a fields record by the first segment of their key, keeping the order of
 * first appearance: `{ a: ns, 'a.x': p }` gives `a -> { direct: ns, nested: [['x', p]] }`.
 */
const groupByHead = (path: string, fields: Fields) => {
  const groups = new Map<string, { direct?: Descriptor; nested: Array<[string, Descriptor]> }>()
  for (const [key, descriptor] of Object.entries(fields)) {
    if (!isDescriptor(descriptor)) {
      throw new SpecError(
        `${childPath(path, key)}: not a port or a namespace (use input(), output() or namespace())`,
      )
    }
    const [head = '', ...rest] = key.split('.')
    if (head === '' || rest.some((segment) => segment === '')) {
      throw new SpecError(`${childPath(path, key)}: invalid port name (empty segment)`)
    }
    const group = groups.get(head) ?? { nested: [] }
    if (rest.length === 0) group.direct = descriptor
    else group.nested.push([rest.join('.'), descriptor])
    groups.set(head, group)
  }
  return groups
}

/** Builds one child from its group: a port, a namespace, or an explicit namespace extended. */
const buildChild = (
  name: string,
  path: string,
  group: { direct?: Descriptor; nested: Array<[string, Descriptor]> },
): Port => {
  const { direct, nested } = group
  if (nested.length === 0 && direct?._tag === 'PortDescriptor') return buildPort(name, path, direct)
  if (direct?._tag === 'PortDescriptor') {
    throw new SpecError(
      `${path}: is a port, so '${name}.${nested[0]?.[0] ?? ''}' cannot be defined`,
    )
  }
  const fields: Record<string, Descriptor> = { ...direct?.fields }
  for (const [rest, descriptor] of nested) {
    if (hasOwn(fields, rest)) throw new SpecError(`${childPath(path, rest)}: defined twice`)
    fields[rest] = descriptor
  }
  const options: NamespaceOptions = direct?.options ?? {}
  return buildNamespace(name, path, { _tag: 'NamespaceDescriptor', fields, options })
}

/**
 * Builds a namespace named `name` at dotted `path` (which ends with `name`; for a root namespace
 * the path is just its name), children first. Options that `expose` copied into the fields (at
 * `[exposedNamespace]`) apply under the namespace's own: what the definition says wins.
 *
 * @throws SpecError for a bad definition, naming the dotted path and the reason.
 */
export const buildNamespace = (
  name: string,
  path: string,
  descriptor: NamespaceDescriptor,
): PortNamespace => {
  const exposed = descriptor.fields[exposedNamespace]
  const options: NamespaceOptions =
    exposed === undefined ? descriptor.options : { ...exposed, ...descriptor.options }
  if (options.valueType !== undefined && !isCodec(options.valueType)) {
    throw new SpecError(`${path}: the value type is not an io-ts codec`)
  }
  const ports = new Map<string, Port>()
  for (const [head, group] of groupByHead(path, descriptor.fields)) {
    if (head === RESERVED_NAME)
      throw new SpecError(`${childPath(path, head)}: the name is reserved`)
    ports.set(head, buildChild(head, childPath(path, head), group))
  }
  const hasDefault = hasOwn(options, 'default')
  const populateDefaults = options.populateDefaults ?? true
  const declaredRequired = options.required ?? true
  const namespace = new PortNamespace({
    definition: descriptor,
    name,
    path,
    ports,
    help: options.help,
    required: declaredRequired && !hasDefault,
    declaredRequired,
    default: defaultFromOption(hasDefault, deepCopyPlain(options.default)),
    validator: options.validator,
    // A value type makes a namespace dynamic whatever `dynamic` says.
    dynamic: options.dynamic === true || options.valueType !== undefined,
    declaredDynamic: options.dynamic === true,
    valueType: options.valueType,
    populateDefaults,
    holdsDefault: [...ports.values()].some((child) =>
      child._tag === 'Port'
        ? child.default._tag !== 'NoDefault'
        : child.populateDefaults && (child.default._tag !== 'NoDefault' || child.holdsDefault),
    ),
  })
  if (namespace.default._tag === 'ValueDefault') {
    const value = namespace.default.value
    const checked = isPlainObject(value)
      ? E.chain((filled: Record<string, unknown>) => checkNamespace(namespace, filled))(
          fillNamespace(namespace, value),
        )
      : checkNamespace(namespace, value)
    if (E.isLeft(checked)) failIfInvalid(path, 'default', checked.left)
  }
  return namespace
}
