/**
 * Static types of namespace options combined: the options `expose` copies into fields, overridden
 * (or cleared) by `namespaceOptions` and by the options of the namespace that receives them. The
 * same rules as `overrideOptions` in `expose.ts` and `buildNamespace`, for the inferred types.
 */
import type { exposedNamespace, NoOptions } from './descriptors.js'

/** An intersection flattened into one object type, modifiers kept. */
type Flat<T> = { [K in keyof T]: T[K] }

/**
 * Options `A` with options `B` over them: `B`'s keys win, a key `B` sets to `undefined` is gone
 * (cleared), and one `B` may set to `undefined` is optional, as `expose`'s `namespaceOptions` and
 * a namespace's own options do at runtime.
 */
export type Overridden<A, B> = Flat<
  { readonly [K in keyof A as K extends keyof B ? never : K]: A[K] } & {
    readonly [K in keyof B as B[K] extends infer V
      ? undefined extends V
        ? never
        : K
      : never]: B[K]
  } & {
    readonly [K in keyof B as B[K] extends infer V
      ? undefined extends V
        ? [V] extends [undefined]
          ? never
          : K
        : never
      : never]?: Exclude<B[K], undefined>
  }
>

/** The options `expose` copied into fields `F` (at `[exposedNamespace]`), if any. */
type ExposedOptionsOf<F> = F extends { readonly [exposedNamespace]: infer X } ? X : NoOptions

/**
 * The options a namespace of fields `F` declared with options `O` is built with: those `expose`
 * copied into `F`, under `O`. `O` itself when nothing was copied.
 */
export type EffectiveOptions<F, O> =
  ExposedOptionsOf<F> extends infer X ? ([keyof X] extends [never] ? O : Overridden<X, O>) : never
