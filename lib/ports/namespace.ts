/**
 * `PortNamespace`: a built namespace with the operations the rest of the engine needs: parse
 * inputs, validate outputs, check one emitted output, look up a port, describe itself.
 */
import * as E from 'fp-ts/lib/Either.js'
import { checkOutputAt, type OutputCheck } from './check-output.js'
import { fillNamespace } from './defaults.js'
import { encodeNamespace } from './encode.js'
import { describeNamespace, type NamespaceDescription } from './describe.js'
import type { NamespaceDescriptor } from './descriptors.js'
import { renderValue, validationError, type ValidationError } from './errors.js'
import type { DefaultSpec, NamespaceInfo, PortInfo } from './node.js'
import { deepFreeze, isPlainObject } from './plain.js'
import { checkNamespace } from './validate.js'
import type * as t from 'io-ts'

/** A port or a namespace, as `getPort` finds them. */
export type Port = PortInfo | PortNamespace

/** Everything a namespace is built from; the children are already built. */
export interface PortNamespaceAttributes<D> {
  readonly definition: D
  readonly name: string
  readonly path: string
  readonly ports: ReadonlyMap<string, Port>
  readonly help: string | undefined
  readonly required: boolean
  readonly declaredRequired: boolean
  readonly default: DefaultSpec
  readonly validator: NamespaceInfo['validator']
  readonly dynamic: boolean
  readonly declaredDynamic: boolean
  readonly valueType: t.Any | undefined
  readonly populateDefaults: boolean
  readonly holdsDefault: boolean
}

/**
 * A built namespace of ports. `P` is the type of what `parse` returns; `D` is the descriptor the
 * namespace was built from, which lets `expose` carry the static types of the ports it copies.
 * `P` is computed where the namespace is built (`InputsOf<D>`), not here: a class whose members
 * apply `InputsOf` to its own parameter is very slow to compare.
 */
export class PortNamespace<P = Readonly<Record<string, unknown>>, D = NamespaceDescriptor>
  implements NamespaceInfo
{
  readonly _tag = 'PortNamespace'
  /** The definition as given (dotted keys not expanded), for the static types. */
  readonly definition: D
  readonly name: string
  /** Dotted path from the root, starting with the root's name (`inputs.sub`). */
  readonly path: string
  readonly ports: ReadonlyMap<string, Port>
  readonly help: string | undefined
  /** Effective: false when declared optional or when the namespace has a default. */
  readonly required: boolean
  readonly declaredRequired: boolean
  readonly default: DefaultSpec
  readonly validator: NamespaceInfo['validator']
  /** Effective: true when declared dynamic or when the namespace has a value type. */
  readonly dynamic: boolean
  readonly declaredDynamic: boolean
  readonly valueType: t.Any | undefined
  readonly populateDefaults: boolean
  readonly holdsDefault: boolean

  constructor(attributes: PortNamespaceAttributes<D>) {
    this.definition = attributes.definition
    this.name = attributes.name
    this.path = attributes.path
    this.ports = attributes.ports
    this.help = attributes.help
    this.required = attributes.required
    this.declaredRequired = attributes.declaredRequired
    this.default = attributes.default
    this.validator = attributes.validator
    this.dynamic = attributes.dynamic
    this.declaredDynamic = attributes.declaredDynamic
    this.valueType = attributes.valueType
    this.populateDefaults = attributes.populateDefaults
    this.holdsDefault = attributes.holdsDefault
    Object.freeze(this)
  }

  /**
   * Parses raw inputs: fills the defaults on a copy (lazy defaults called now), validates, and
   * returns the decoded values deeply frozen, or every error found. `raw` is never modified;
   * `undefined` stands for no inputs at all.
   */
  parse(raw: unknown): E.Either<ValidationError[], P> {
    const values = raw === undefined ? {} : raw
    if (!isPlainObject(values)) {
      return E.left([validationError(this.path, `expected an object, got ${renderValue(raw)}`)])
    }
    // Plain branches rather than `pipe`/`E.chain`: fp-ts builds those through `dual`, which
    // copies its arguments into fresh arrays on every call, and this runs once per process.
    const filled = fillNamespace(this, values)
    if (E.isLeft(filled)) return filled
    const checked = checkNamespace(this, filled.right)
    if (E.isLeft(checked)) return checked
    // The runtime checks above are what make the values fit the static type.
    return E.right(deepFreeze(checked.right) as unknown as P)
  }

  /** Validates values as they are, without filling defaults (the final outputs of a process). */
  validate(values: unknown): E.Either<ValidationError[], void> {
    const checked = checkNamespace(this, values === undefined ? {} : values)
    return E.isLeft(checked) ? checked : E.right(undefined)
  }

  /**
   * The wire form of decoded values: each port's codec encodes its value (a `Date` port gives its
   * ISO string back). The values themselves when every codec encodes as is.
   */
  encode(values: unknown): unknown {
    return encodeNamespace(this, values)
  }

  /**
   * Decodes values in their wire form (from `encode`, through JSON) without filling defaults,
   * and returns them deeply frozen: a checkpoint's parsed inputs coming back. They are checked
   * as `parse` checks received inputs (codecs and validators, every error with its path), since
   * a store is no more trusted than a caller.
   */
  decode(values: unknown): E.Either<ValidationError[], P> {
    const checked = checkNamespace(this, values === undefined ? {} : values)
    return E.isLeft(checked) ? checked : E.right(deepFreeze(checked.right) as unknown as P)
  }

  /**
   * Checks one value emitted through `out(dottedPath, value)`: against the declared port, or
   * against the value type of the enclosing dynamic namespace (then `dynamic` is true).
   */
  checkOutput(dottedPath: string, value: unknown): E.Either<ValidationError[], OutputCheck> {
    return checkOutputAt(this, dottedPath, value)
  }

  /** The port or namespace at a dotted path below this namespace, if declared. */
  getPort(dottedPath: string): Port | undefined {
    const [first = '', ...rest] = dottedPath.split('.')
    let found = this.ports.get(first)
    for (const segment of rest) {
      if (found === undefined || found._tag === 'Port') return undefined
      found = found.ports.get(segment)
    }
    return found
  }

  /** This namespace as a JSON tree (see `getDescription` of a spec). */
  description(): NamespaceDescription {
    return describeNamespace(this)
  }

  /** `JSON.stringify` of a namespace is its description. */
  toJSON(): NamespaceDescription {
    return this.description()
  }
}
