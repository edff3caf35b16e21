/**
 * Static types computed from a spec definition: what a user passes in (`RawInputsOf`), what a
 * step sees (`InputsOf`), what a process emits (`OutputsOf`, `OutputPath`, `OutputValue`).
 *
 * Every helper takes either a `Fields` record or a `NamespaceDescriptor` (the root of a spec,
 * whose options may make it dynamic). The rules mirror the runtime exactly:
 *
 * - a port may be omitted by the caller when it has a default or says `required: false`; after
 *   parsing it is present unless it says `required: false` and has no default;
 * - a namespace must be supplied only when it is required, has no default of its own and some
 *   child must be supplied; after parsing it is present when it had to be supplied, or when
 *   defaults are populated and it is required, has a default, or holds a default below;
 * - a dynamic namespace adds an index signature of its value type;
 * - dotted keys (`'sub.x'`) are expanded into nested namespaces first (`Normalize`).
 *
 * One rule for every conditional type below, for speed: the type after `extends` never mentions
 * the alias's own parameters (a computed type is first bound with `X extends infer Y`). Other
 * modules put these types inside generic interfaces; to compare two instantiations of those, the
 * compiler compares the conditional types generically, and it has a fast path only when the
 * `extends` sides are identical. Without it, one `defineProcess` took a minute to check.
 */
import type * as t from 'io-ts'
import type { NamespaceDescriptor, NoOptions, PortDescriptor } from './descriptors.js'
import type { EffectiveOptions } from './infer-options.js'

// ---------------------------------------------------------------------------------------------
// Small boolean and shape helpers

type Not<A extends boolean> = A extends true ? false : true
type Or<A extends boolean, B extends boolean> = A extends true ? true : B

/** Readonly all the way down: parsed inputs are deeply frozen at runtime. */
export type DeepReadonly<T> = T extends
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  ? T
  : T extends (...args: any[]) => unknown
    ? T
    : T extends ReadonlyArray<infer U>
      ? ReadonlyArray<DeepReadonly<U>>
      : T extends object
        ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
        : T

/**
 * Flattens an intersection into one object type, so that hovers and type tests read well.
 * Exported so that declaration files of modules using these types can name it.
 */
export type Simplify<T> = { [K in keyof T]: T[K] }

// ---------------------------------------------------------------------------------------------
// Reading options literally (the builders capture them with `const` type parameters)

/** The options say `required: false` (or a `boolean` that might be false). */
type DeclaredOptional<O> = O extends { readonly required: infer R }
  ? false extends R
    ? true
    : false
  : false

/** The options carry a default (a value or a lazy function). */
type HasDefault<O> = keyof O extends infer K ? ('default' extends K ? true : false) : never

type PopulatesDefaults<O> = O extends { readonly populateDefaults: false } ? false : true

/** The codec of a dynamic namespace's undeclared values; `never` when it is not dynamic. */
type DynamicCodec<O> = O extends { readonly valueType: infer V extends t.Any }
  ? V
  : O extends { readonly dynamic: true }
    ? t.UnknownC
    : never

// ---------------------------------------------------------------------------------------------
// Dotted keys: `{ 'a.x': P, 'a.y': Q }` means `{ a: namespace({ x: P, y: Q }) }`

/** The first segment of every key. */
type Heads<F> = { [K in keyof F & string]: K extends `${infer H}.${string}` ? H : K }[keyof F &
  string]

/** The entries under head `H`, keyed by the rest of their dotted key. */
type Under<F, H extends string> = {
  [K in keyof F & string as K extends `${infer Head}.${infer Rest}`
    ? H extends Head
      ? Rest
      : never
    : never]: F[K]
}

/**
 * The descriptor at head `H`: the key itself when no dotted key starts with it; the explicit
 * namespace extended with the dotted entries; or an implicit namespace with default options.
 * Nested levels are normalized when they are read, not here.
 */
type NormalEntry<F, H extends string> = [keyof Under<F, H>] extends [never]
  ? F[H & keyof F]
  : [F[H & keyof F]] extends [never]
    ? NamespaceDescriptor<Under<F, H>, NoOptions>
    : F[H & keyof F] extends NamespaceDescriptor<infer G, infer O>
      ? NamespaceDescriptor<G & Under<F, H>, O>
      : never

/** A fields record with its dotted keys expanded one level. */
export type Normalize<F> = { [H in Heads<F>]: NormalEntry<F, H> }

// ---------------------------------------------------------------------------------------------
// Presence rules

/** Whether the caller has to supply this entry. */
type MustSupply<D> =
  D extends PortDescriptor<any, infer O>
    ? Not<Or<DeclaredOptional<O>, HasDefault<O>>>
    : D extends NamespaceDescriptor<infer G, infer DO>
      ? EffectiveOptions<G, DO> extends infer O
        ? Or<DeclaredOptional<O>, HasDefault<O>> extends true
          ? false
          : SomeMustSupply<Normalize<G>>
        : never
      : false

type SomeMustSupply<N> = { [K in keyof N]: MustSupply<N[K]> }[keyof N] extends infer Each
  ? true extends Each
    ? true
    : false
  : never

/** Whether filling defaults into this entry, absent, gives something. */
type HoldsDefault<D> =
  D extends PortDescriptor<any, infer O>
    ? HasDefault<O>
    : D extends NamespaceDescriptor<infer G, infer DO>
      ? EffectiveOptions<G, DO> extends infer O
        ? PopulatesDefaults<O> extends false
          ? false
          : HasDefault<O> extends true
            ? true
            : SomeHoldsDefault<Normalize<G>>
        : never
      : false

type SomeHoldsDefault<N> = { [K in keyof N]: HoldsDefault<N[K]> }[keyof N] extends infer Each
  ? true extends Each
    ? true
    : false
  : never

// The recursions above test their results with `extends true` instead of passing them to `Or`:
// checking such an argument against Or's `boolean` constraint expands the recursion eagerly.

/** Whether an entry is present in parsed inputs whatever the caller passed. */
type PresentAfterParse<D> =
  D extends PortDescriptor<any, infer O>
    ? Or<Not<DeclaredOptional<O>>, HasDefault<O>>
    : D extends NamespaceDescriptor<infer G, infer DO>
      ? MustSupply<D> extends true
        ? true
        : EffectiveOptions<G, DO> extends infer O
          ? PopulatesDefaults<O> extends false
            ? false
            : Or<Not<DeclaredOptional<O>>, HasDefault<O>> extends true
              ? true
              : SomeHoldsDefault<Normalize<G>>
          : never
      : false

// ---------------------------------------------------------------------------------------------
// Values

/** `raw`: what a caller passes; `parsed`: what steps see; `outputs`: what a process emits. */
type Mode = 'raw' | 'parsed' | 'outputs'

/** Raw values are in the codec's encoded form; parsed values and outputs are decoded. */
type CodecValue<C, M extends Mode> = C extends t.Any
  ? DeepReadonly<M extends 'raw' ? t.OutputOf<C> : t.TypeOf<C>>
  : never

type MayBeAbsent<D, M extends Mode> = M extends 'parsed'
  ? Not<PresentAfterParse<D>>
  : Not<MustSupply<D>>

type EntryValue<D, M extends Mode> =
  D extends PortDescriptor<infer C, any>
    ? CodecValue<C, M>
    : D extends NamespaceDescriptor<infer G, infer O>
      ? Values<G, O, M>
      : never

type ExplicitValues<N, M extends Mode> = {
  readonly [K in keyof N as MayBeAbsent<N[K], M> extends true ? never : K]: EntryValue<N[K], M>
} & {
  readonly [K in keyof N as MayBeAbsent<N[K], M> extends true ? K : never]?: EntryValue<N[K], M>
}

/**
 * The index signature of a dynamic namespace. Its value type also admits the declared entries'
 * types (and `undefined`, for optional ones): an intersection with a narrower index signature
 * would otherwise turn the declared properties into `never`.
 */
type DynamicValues<N, O, M extends Mode> = [DynamicCodec<O>] extends [never]
  ? unknown
  : {
      readonly [key: string]: CodecValue<DynamicCodec<O>, M> | EntryValue<N[keyof N], M> | undefined
    }

/** A wide `Fields` type (not a literal record) gives a wide record of values. */
type Values<F, O, M extends Mode> = keyof F extends infer K
  ? string extends K
    ? { readonly [key: string]: unknown }
    : Simplify<
        ExplicitValues<Normalize<F>, M> & DynamicValues<Normalize<F>, EffectiveOptions<F, O>, M>
      >
  : never

// The four public types below repeat the same conditional instead of sharing an alias: a type
// printed in another module's declarations then keeps their (exported) name.

/**
 * The inputs a step sees, after parsing: defaults filled in, deeply readonly.
 *
 * @example
 * const fields = { x: input(t.number, { default: 1 }), y: input(t.string, { required: false }) }
 * type I = InputsOf<typeof fields> // { readonly x: number; readonly y?: string }
 */
export type InputsOf<X> =
  X extends NamespaceDescriptor<infer F, infer O>
    ? Values<F, O, 'parsed'>
    : Values<X, NoOptions, 'parsed'>

/**
 * The inputs a caller passes when creating a process: ports with a default or `required: false`
 * may be left out, and so may namespaces with nothing that must be supplied.
 */
export type RawInputsOf<X> =
  X extends NamespaceDescriptor<infer F, infer O>
    ? Values<F, O, 'raw'>
    : Values<X, NoOptions, 'raw'>

/** The outputs of a process: optional where the port is not required. */
export type OutputsOf<X> =
  X extends NamespaceDescriptor<infer F, infer O>
    ? Values<F, O, 'outputs'>
    : Values<X, NoOptions, 'outputs'>

/**
 * The values of a namespace as its validator sees them: decoded, and optional wherever presence
 * is not guaranteed (the same validator serves parsed inputs and outputs).
 */
export type NamespaceValues<X> =
  X extends NamespaceDescriptor<infer F, infer O>
    ? Values<F, O, 'outputs'>
    : Values<X, NoOptions, 'outputs'>

// ---------------------------------------------------------------------------------------------
// Output paths

/** Which output paths: all of them, the declared ports only, or the dynamic patterns only. */
export type OutputPathKind = 'all' | 'declared' | 'dynamic'

type PathsIn<F, O, W extends OutputPathKind> = keyof F extends infer K
  ? string extends K
    ? W extends 'declared'
      ? never
      : string
    :
        | ([DynamicCodec<EffectiveOptions<F, O>>] extends [never]
            ? never
            : W extends 'declared'
              ? never
              : string)
        | {
            [H in keyof Normalize<F> & string]: EntryPaths<H, Normalize<F>[H], W>
          }[keyof Normalize<F> & string]
  : never

type EntryPaths<K extends string, D, W extends OutputPathKind> =
  D extends PortDescriptor<any, any>
    ? W extends 'dynamic'
      ? never
      : K
    : D extends NamespaceDescriptor<infer G, infer O>
      ? `${K}.${PathsIn<G, O, W>}`
      : never

/**
 * The dotted paths of the output ports, e.g. `'output1' | 'output2.output2a'`; any string under a
 * dynamic namespace (`` `dyn.${string}` ``), any string at all when the root is dynamic. With
 * `W = 'declared'` only the declared ports; with `'dynamic'` only the patterns under dynamic
 * namespaces (a root pattern `string` would otherwise swallow the declared paths).
 */
export type OutputPath<X, W extends OutputPathKind = 'all'> =
  X extends NamespaceDescriptor<infer F, infer O> ? PathsIn<F, O, W> : PathsIn<X, NoOptions, W>

type DynamicValue<O> = [DynamicCodec<O>] extends [never]
  ? never
  : CodecValue<DynamicCodec<O>, 'outputs'>

type ValueAt<F, O, P extends string> = keyof F extends infer K
  ? string extends K
    ? unknown
    : Normalize<F> extends infer N
      ? P extends keyof N
        ? EntryValue<N[P], 'outputs'>
        : P extends `${infer H}.${infer Rest}`
          ? H extends keyof N
            ? N[H] extends NamespaceDescriptor<infer G, infer O2>
              ? ValueAt<G, O2, Rest>
              : never
            : DynamicValue<EffectiveOptions<F, O>>
          : DynamicValue<EffectiveOptions<F, O>>
      : never
  : never

/** The value type of the output at a dotted path (see {@link OutputPath}). */
export type OutputValue<X, P extends string> =
  X extends NamespaceDescriptor<infer F, infer O> ? ValueAt<F, O, P> : ValueAt<X, NoOptions, P>

/**
 * The output values by dotted path, the map `out(port, value)` is checked against: each declared
 * port with its own type, and each path under a dynamic namespace with that namespace's value
 * type (any path at all when the root is dynamic; the declared ports keep their own types then).
 *
 * @example
 * const fields = { y: output(t.number), extra: namespace({}, { valueType: t.string }) }
 * type M = OutputValues<typeof fields> // { y: number } & { [path: `extra.${string}`]: string }
 */
export type OutputValues<X> = {
  [P in OutputPath<X, 'declared'>]: OutputValue<X, P>
} & { [P in OutputPath<X, 'dynamic'>]: OutputValue<X, P> }
