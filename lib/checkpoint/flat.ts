/**
 * Codecs for flat JSON objects: one io-ts type built from parts that share one level of JSON. A
 * checkpoint is such an object (`{ "v": 2, "pid": …, "state": "RUNNING", "at": [0, 0] }`): its
 * position, its state's fields and its snapshot's fields sit side by side, so io-ts's own
 * combinators, which give each value a property of its own, cannot describe it.
 *
 * A part is one value: the io-ts types of the fields it reads, how it reads them and how it
 * writes them, side by side. Its reading and writing are its own functions rather than a loop
 * over one generic part per field: a checkpoint is written at every step, and V8 runs a part's
 * own property reads and writes several times faster than a loop that every part shares.
 *
 * Decoding checks the whole object against its shape first (the fields' io-ts types, which only
 * check and never transform) and then reads it. The shape's guard (`is`) allocates nothing, so a
 * valid object is read without io-ts building a context per field; an invalid one is validated
 * to report every wrong field by its path.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

/** The io-ts types of the fields a part reads: those every object has, and the others. */
export interface FlatShape {
  readonly required: t.Props
  readonly optional: t.Props
  /** Types the whole object must match besides: a choice between sets of fields, say. */
  readonly more: readonly t.Mixed[]
}

/**
 * A part of a flat JSON object of type `O`: `read` makes its value from an object that matched
 * the shape (calling `refuse` for a rule the shape cannot say), `write` adds its fields to the
 * object being written, leaving out defaults.
 */
export interface FlatPart<A, O> {
  readonly shape: FlatShape
  read(json: O): A
  write(value: A, json: O): void
}

/** The type of the JSON object a part reads. */
export type JsonOf<P> = P extends FlatPart<any, infer O> ? O : never

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void
  ? I
  : never

/** The fields a part reads, by their io-ts types, and the parts it reads through. */
export interface Fields<
  R extends t.Props,
  P extends t.Props,
  M extends readonly t.Mixed[],
  S extends readonly FlatPart<any, any>[],
> {
  readonly required?: R
  readonly optional?: P
  readonly more?: M
  /** Parts whose fields this one reads and writes by calling them. */
  readonly parts?: S
}

/** The JSON object those fields make. */
export type FieldsJson<R extends t.Props, P extends t.Props, M, S> = t.TypeOf<t.TypeC<R>> &
  t.TypeOf<t.PartialC<P>> &
  AllOf<M, 'types'> &
  AllOf<S, 'parts'>

/** What every type (or part) of a tuple checks, each one whole (a union stays a union). */
type AllOf<L, Of extends 'types' | 'parts'> = L extends readonly [infer H, ...infer Rest]
  ? (Of extends 'types' ? (H extends t.Mixed ? t.TypeOf<H> : never) : JsonOf<H>) & AllOf<Rest, Of>
  : unknown

/** A part: its fields, and how it reads and writes them. */
export const flatPart = <
  A,
  R extends t.Props = Record<never, never>,
  P extends t.Props = Record<never, never>,
  const M extends readonly t.Mixed[] = [],
  const S extends readonly FlatPart<any, any>[] = [],
>(
  fields: Fields<R, P, M, S>,
  codec: {
    read(json: FieldsJson<R, P, M, S>): A
    write(value: A, json: FieldsJson<R, P, M, S>): void
  },
): FlatPart<A, FieldsJson<R, P, M, S>> => ({
  shape: mergeShapes([
    { required: fields.required ?? {}, optional: fields.optional ?? {}, more: fields.more ?? [] },
    ...(fields.parts ?? []).map((part) => part.shape),
  ]),
  read: codec.read,
  write: codec.write,
})

/**
 * The shape of parts read together: each field once. Parts may name the same field (one writes
 * it, others read it) with the very same io-ts type; a field one part requires is required.
 */
export const mergeShapes = (shapes: readonly FlatShape[]): FlatShape => {
  const required: t.Props = {}
  const optional: t.Props = {}
  const add = (into: t.Props, key: string, type: t.Mixed) => {
    const known = required[key] ?? optional[key]
    if (known !== undefined && known !== type) throw new Error(`field '${key}' has two types`)
    if (required[key] === undefined) into[key] = type
  }
  for (const shape of shapes) {
    for (const [key, type] of Object.entries(shape.required)) {
      add(required, key, type)
      delete optional[key]
    }
    for (const [key, type] of Object.entries(shape.optional)) add(optional, key, type)
  }
  return { required, optional, more: shapes.flatMap((shape) => shape.more) }
}

/**
 * A tagged union on one level: the field `tags` checks holds the value's `_tag`, and the part of
 * that tag reads and writes the rest. The shape checks every member's fields whatever the tag,
 * so a member's own fields are optional: one it needs, it asks for in `read`.
 */
export const tagged = <
  K extends string,
  T extends string,
  M extends { readonly [Tag in T]: FlatPart<{ readonly _tag: Tag }, any> },
>(
  key: K,
  tags: t.Type<T, T, unknown>,
  members: M,
): FlatPart<
  M[T] extends FlatPart<infer A, any> ? A : never,
  { [F in K]: T } & Intersection<JsonOf<M[T]>>
> => {
  const parts = members as Readonly<Record<string, FlatPart<{ readonly _tag: string }, unknown>>>
  const shape = mergeShapes([
    { required: { [key]: tags }, optional: {}, more: [] },
    ...Object.values(parts).map((part) => part.shape),
  ])
  return {
    shape,
    read: (json: Record<string, unknown>) =>
      (parts[json[key] as string] as FlatPart<any, unknown>).read(json),
    write: (value: { readonly _tag: string }, json: Record<string, unknown>) => {
      const part = Object.hasOwn(parts, value._tag) ? parts[value._tag] : undefined
      if (part === undefined)
        throw new Error(`${key} '${value._tag}' is not one of ${Object.keys(parts).join(', ')}`)
      json[key] = value._tag
      part.write(value, json)
    },
  } as never
}

/** Why a part refused an object its shape let through; the codec makes it an io-ts error. */
class Refusal extends Error {}

/** Refuse the object being read, for `reason` (a rule across fields, a pattern…). */
export function refuse(reason: string): never {
  throw new Refusal(reason)
}

/**
 * `t.array` whose guard checks every index: `t.array`'s guard skips the holes of a sparse array,
 * and a shape's guard must let through exactly what its validation does.
 */
export const denseArray = <C extends t.Mixed>(item: C): t.ArrayC<C> => {
  const array = t.array(item)
  const is = (u: unknown): u is t.TypeOf<C>[] => {
    if (!Array.isArray(u)) return false
    for (let i = 0; i < u.length; i++) if (!item.is(u[i])) return false
    return true
  }
  return new t.ArrayType(array.name, is, array.validate, array.encode, item)
}

/**
 * The io-ts type of a flat JSON object's value: `decode` (or `validate`) checks the object
 * against `json` and reads it, `encode` writes it. A part's refusal is a validation error whose
 * `message` is the reason.
 */
export class FlatCodec<A, O> extends t.Type<A, O, unknown> {
  /** The JSON form's own type: it only checks, so what its guard lets through is valid. */
  readonly json: t.Type<O, O, unknown>

  constructor(
    name: string,
    readonly part: FlatPart<A, O>,
  ) {
    const { required, optional, more } = part.shape
    const json = t.intersection([t.type(required), ...more, t.partial(optional)] as unknown as [
      t.Mixed,
      t.Mixed,
    ]) as t.Type<O, O, unknown>
    const encode = (value: A): O => {
      const written = {} as O
      part.write(value, written)
      return written
    }
    super(
      name,
      // A value is one of ours when it writes a valid JSON form; one that cannot be written at
      // all (it lacks what a part reads) is not.
      (u): u is A => {
        let written: O
        try {
          written = encode(u as A)
        } catch {
          return false
        }
        return json.is(written) && E.isRight(readValid(part, written, () => []))
      },
      (u, c) => {
        if (json.is(u)) return readValid(part, u, () => c)
        const checked = json.validate(u, t.appendContext(c, '', json, u))
        return E.isLeft(checked) ? checked : readValid(part, checked.right, () => c)
      },
      encode,
    )
    this.json = json
    this.parsedShape = parsedGuard(part.shape)
  }

  /** `validate` from the top, with the context made only for an error. */
  override decode(u: unknown): t.Validation<A> {
    return this.json.is(u) ? readValid(this.part, u, this.topContext(u)) : super.decode(u)
  }

  /**
   * `decode` for a value just made by `JSON.parse`, whose fields are all its own, enumerable
   * data: its shape is checked through the fields it has, rather than by asking it for every
   * field the shape knows (most of which a checkpoint lacks). Same answer as `decode`.
   */
  decodeParsed(u: unknown): t.Validation<A> {
    return this.parsedShape.is(u) ? readValid(this.part, u, this.topContext(u)) : super.decode(u)
  }

  private readonly parsedShape: { is(u: unknown): u is unknown }

  private topContext(u: unknown): () => t.Context {
    return () => [{ key: '', type: this, actual: u }]
  }
}

/**
 * The guard of a shape for JSON-parsed objects: the required fields one by one, then each field
 * the object has that the shape knows as optional. For such an object (no inherited field but
 * `Object.prototype`'s, which no shape may name) it lets through exactly what the shape's io-ts
 * type does.
 */
const parsedGuard = (shape: FlatShape): { is(u: unknown): u is unknown } => {
  const required = Object.entries(shape.required)
  const optional = new Map(Object.entries(shape.optional))
  for (const key of [...required.map(([key]) => key), ...optional.keys()])
    if (key in Object.prototype) throw new Error(`field '${key}' is a name Object.prototype has`)
  const more = shape.more
  return {
    is: (u: unknown): u is unknown => {
      if (!t.UnknownRecord.is(u)) return false
      const record = u as Record<string, unknown>
      for (const [key, type] of required) {
        const value = record[key]
        if ((value === undefined && !Object.hasOwn(record, key)) || !type.is(value)) return false
      }
      for (const key in record) {
        const type = optional.get(key)
        if (type === undefined) continue
        const value = record[key]
        if (value !== undefined && !type.is(value)) return false
      }
      for (const type of more) if (!type.is(u)) return false
      return true
    },
  }
}

const readValid = <A, O>(
  part: FlatPart<A, O>,
  checked: O,
  context: () => t.Context,
): t.Validation<A> => {
  try {
    return t.success(part.read(checked))
  } catch (error) {
    if (error instanceof Refusal) return t.failure(checked, context(), error.message)
    throw error
  }
}
