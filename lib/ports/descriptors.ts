/**
 * The builders of a spec definition: `input`, `output` and `namespace` return inert descriptor
 * values (tagged plain objects) that keep their codec and their options object in their static
 * type, so that `InputsOf` and friends can read `required: false` or a `default` literally.
 * Nothing is checked here: `buildSpec` checks the whole definition at once, where it knows the
 * dotted path of every port to name in its errors.
 */
import * as t from 'io-ts'
import type { NamespaceInfo, PortInfo } from './node.js'
import type { NamespaceValues, RawInputsOf } from './infer.js'

/** An options object that says nothing: every attribute takes its default. */
export type NoOptions = Readonly<Record<never, never>>

/**
 * Options of a port.
 *
 * - `required` (default `true`): whether the value must be given.
 * - `default`: makes the port optional. A value is validated when the spec is built; a function
 *   is a **lazy** default, called at each parse and validated then. Given in the codec's encoded
 *   form (`t.OutputOf`), like any value passed in: for plain codecs that is the value's type.
 * - `validator`: runs on the decoded value after the codec accepted it; returns an error message
 *   or `undefined`.
 */
export interface PortOptions<C extends t.Any> {
  readonly help?: string
  readonly required?: boolean
  readonly default?: t.OutputOf<C> | (() => t.OutputOf<C>)
  // Method syntax on purpose: parameters stay bivariant, so a port with a typed validator still
  // fits in a `Fields` record of any ports.
  validator?(value: t.TypeOf<C>, port: PortInfo): string | undefined
}

/** An input or output port as defined: a codec and the options as given. */
export interface PortDescriptor<
  C extends t.Any = t.Any,
  O extends PortOptions<C> = PortOptions<C>,
> {
  readonly _tag: 'PortDescriptor'
  readonly codec: C
  readonly options: O
}

/**
 * Options of a namespace whose validator sees values `V` and whose default is given as `R`.
 *
 * - `required` (default `true`): an absent required namespace is validated as `{}`, so its
 *   required children report; an absent optional one is skipped, validator included.
 * - `validator`: sees all the values of the namespace, after its ports validated cleanly.
 * - `default`: a value for the whole namespace (lazy when a function), which makes it optional.
 * - `dynamic`: accept keys that are not declared; `valueType` checks them (and makes the
 *   namespace dynamic, whatever `dynamic` says).
 * - `populateDefaults` (default `true`): `false` leaves an absent namespace absent instead of
 *   filling in the defaults of its ports.
 */
export interface NamespaceOptions<V = Readonly<Record<string, unknown>>, R = V> {
  readonly help?: string
  readonly required?: boolean
  // Method syntax on purpose, see PortOptions.validator.
  validator?(values: V, namespace: NamespaceInfo): string | undefined
  readonly default?: R | (() => R)
  readonly dynamic?: boolean
  readonly valueType?: t.Any
  readonly populateDefaults?: boolean
}

/**
 * The options of a namespace of fields `F`: the validator sees `F`'s values, the default is
 * given as raw inputs. `NamespaceOptions` takes the computed types rather than `F` itself so that
 * the compiler never has to compare the computations generically (which it does very slowly).
 */
export type NamespaceOptionsFor<F> = NamespaceOptions<NamespaceValues<F>, RawInputsOf<F>>

/** A namespace as defined: its fields (dotted keys not yet expanded) and the options as given. */
export interface NamespaceDescriptor<F = Fields, O = NamespaceOptions> {
  readonly _tag: 'NamespaceDescriptor'
  readonly fields: F
  readonly options: O
}

/** Anything a fields record may hold. */
export type Descriptor = PortDescriptor | NamespaceDescriptor

/**
 * The key under which `expose` leaves, in the fields it returns at the top level, the options of
 * the namespace it copied them from. A symbol, so that spreading the fields
 * (`{ ...expose(Child.spec), z: input() }`) carries it along while no port can be named after it;
 * the namespace built from those fields takes these options under its own (see `buildNamespace`).
 */
export const exposedNamespace: unique symbol = Symbol('plumpy-ts.exposedNamespace')

/**
 * The record of descriptors a spec or a namespace takes. A key with dots (`'sub.x'`) creates the
 * namespaces on the way. `[exposedNamespace]` holds the namespace options copied by `expose`.
 */
export type Fields = {
  readonly [name: string]: Descriptor
  readonly [exposedNamespace]?: NamespaceOptions
}

const makePort = (codec: t.Any, options: PortOptions<t.Any>): PortDescriptor =>
  Object.freeze({ _tag: 'PortDescriptor', codec, options })

// Overloads rather than optional parameters: inside a fields record the call is contextually
// typed, and a type parameter left without an argument would be inferred from that context
// (as `t.Any`, wide options), losing the very information the builders exist to keep.

/**
 * Defines an input port. Without a codec the port accepts anything (`t.unknown`).
 *
 * @example
 * const spec = buildSpec({
 *   inputs: { x: input(t.number, { help: 'how many', default: 3 }), label: input(t.string) },
 * })
 */
export function input(): PortDescriptor<t.UnknownC, NoOptions>
export function input<C extends t.Any>(codec: C): PortDescriptor<C, NoOptions>
export function input<const O extends PortOptions<t.UnknownC>>(
  codec: undefined,
  options: O,
): PortDescriptor<t.UnknownC, O>
export function input<C extends t.Any, const O extends PortOptions<C>>(
  codec: C,
  options: O,
): PortDescriptor<C, O>
export function input(codec?: t.Any, options?: PortOptions<t.Any>): PortDescriptor {
  return makePort(codec ?? t.unknown, Object.freeze({ ...options }))
}

/**
 * Defines an output port. Same options as {@link input}; on outputs a default only makes the
 * port optional (outputs are validated, never filled in).
 *
 * @example
 * const spec = buildSpec({ outputs: { result: output(t.number) } })
 */
export function output(): PortDescriptor<t.UnknownC, NoOptions>
export function output<C extends t.Any>(codec: C): PortDescriptor<C, NoOptions>
export function output<const O extends PortOptions<t.UnknownC>>(
  codec: undefined,
  options: O,
): PortDescriptor<t.UnknownC, O>
export function output<C extends t.Any, const O extends PortOptions<C>>(
  codec: C,
  options: O,
): PortDescriptor<C, O>
export function output(codec?: t.Any, options?: PortOptions<t.Any>): PortDescriptor {
  return makePort(codec ?? t.unknown, Object.freeze({ ...options }))
}

/**
 * Defines a namespace of ports (input or output ports, and nested namespaces).
 *
 * @example
 * const spec = buildSpec({
 *   inputs: {
 *     settings: namespace({ depth: input(t.number) }, { required: false }),
 *     extras: namespace({}, { valueType: t.string }),
 *   },
 * })
 */
export function namespace<const F extends Fields>(fields: F): NamespaceDescriptor<F, NoOptions>
export function namespace<const F extends Fields, const O extends NamespaceOptionsFor<F>>(
  fields: F,
  options: O,
): NamespaceDescriptor<F, O>
export function namespace(fields: Fields, options?: NamespaceOptions): NamespaceDescriptor {
  return Object.freeze({
    _tag: 'NamespaceDescriptor',
    fields: Object.freeze({ ...fields }),
    options: Object.freeze({ ...options }),
  })
}
