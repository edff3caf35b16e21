/**
 * Static types of `expose`: the fields it returns, filtered by literal include/exclude paths and
 * wrapped in the requested namespace, so that a spec built from them infers its inputs as if the
 * ports had been written out by hand.
 */
import type { exposedNamespace, Fields, NamespaceDescriptor, NoOptions } from './descriptors.js'
import type { Normalize } from './infer.js'
import type { EffectiveOptions, Overridden } from './infer-options.js'
import type { PortNamespace } from './namespace.js'
import type { ProcessSpec } from './spec.js'

/** The root descriptor of what is exposed: a spec's inputs, or a namespace's definition. */
type SourceOf<S> =
  S extends ProcessSpec<infer I, any, any, any>
    ? I
    : S extends PortNamespace<any, infer D>
      ? D
      : NamespaceDescriptor

/** `'sub.x' | 'y'` -> `'sub'`: the heads of the nested rules. */
type NestedHeads<P> = P extends `${infer Head}.${string}` ? Head : never

/** The rules under `K`: `'sub.x' | 'sub.y.z'` under `'sub'` -> `'x' | 'y.z'`. */
type RulesUnder<P, K extends string> = P extends `${K}.${infer Rest}` ? Rest : never

type Included<N, P extends string> = {
  readonly [K in keyof N & string as K extends P | NestedHeads<P> ? K : never]: K extends P
    ? N[K]
    : N[K] extends NamespaceDescriptor<infer G, infer O>
      ? NamespaceDescriptor<Included<Normalize<G>, RulesUnder<P, K>>, O>
      : N[K]
}

type Excluded<N, P extends string> = {
  readonly [K in keyof N & string as K extends P ? never : K]: K extends NestedHeads<P>
    ? N[K] extends NamespaceDescriptor<infer G, infer O>
      ? NamespaceDescriptor<Excluded<Normalize<G>, RulesUnder<P, K>>, O>
      : N[K]
    : N[K]
}

/** Non-literal rules (a `string[]` variable) cannot be followed statically: wide fields. */
type Filtered<F, O> = O extends { readonly include: ReadonlyArray<infer P extends string> }
  ? string extends P
    ? Fields
    : Included<Normalize<F>, P>
  : O extends { readonly exclude: ReadonlyArray<infer P extends string> }
    ? string extends P
      ? Fields
      : Excluded<Normalize<F>, P>
    : Normalize<F>

type NamespaceOptionsOf<O> = O extends { readonly namespaceOptions: infer NO } ? NO : NoOptions

/**
 * The fields `expose(source, options)` returns: the filtered ports, under a (dotted) namespace
 * whose options are the source namespace's, overridden (or cleared) by `namespaceOptions`; at
 * the top level, with those options at `[exposedNamespace]`.
 */
export type ExposedFields<S, O> =
  SourceOf<S> extends NamespaceDescriptor<infer F, infer SO>
    ? Overridden<EffectiveOptions<F, SO>, NamespaceOptionsOf<O>> extends infer Copied
      ? O extends { readonly namespace: infer Name extends string }
        ? { readonly [K in Name]: NamespaceDescriptor<Filtered<F, O>, Copied> }
        : Filtered<F, O> & { readonly [exposedNamespace]: Copied }
      : never
    : Fields
