/**
 * io-ts decode errors as a short line: `path: expected type, got value`, once per path. io-ts's
 * own PathReporter names the whole checkpoint type at every level of every error, which makes a
 * reason of a thousand characters that hides the one field that is wrong.
 */
import type * as t from 'io-ts'

/** How many problems a reason names; the rest are counted. */
const SHOWN = 3
/** Longest value (as JSON) and type name shown. */
const VALUE_CHARS = 40
const TYPE_CHARS = 48

/**
 * The errors of one decode as `at[0]: expected a whole number ≥ 0, got -1; …`; `root` names the
 * decoded value itself when the error is at its top; with `nested`, every path starts with it
 * (`payload.by: …`).
 */
export const shortReport = (errors: t.Errors, root = 'checkpoint', nested = false): string => {
  const lines = new Map<string, string>()
  for (const error of errors) {
    // An error with a message is a rule the value breaks, said in full (see `refuse`).
    if (error.message !== undefined) {
      lines.set(error.message, error.message)
      continue
    }
    const place = placeOf(error.context, root)
    const { entry } = place
    const path =
      !nested || place.path === root
        ? place.path
        : `${root}${place.path.startsWith('[') ? '' : '.'}${place.path}`
    if (!lines.has(path))
      lines.set(
        path,
        entry.actual === undefined
          ? `${path}: missing (expected ${typeName(entry.type)})`
          : `${path}: expected ${typeName(entry.type)}, got ${shortValue(entry.actual)}`,
      )
  }
  const shown = [...lines.values()].slice(0, SHOWN)
  const more = lines.size - shown.length
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '')
}

/**
 * The dotted path of an error, and the context entry to report. Intersections and unions add
 * levels (their member indices) that are no part of the data's path; an error inside a union
 * is reported at the union itself, since the value matched none of its forms.
 */
const placeOf = (context: t.Context, root: string): { path: string; entry: t.ContextEntry } => {
  let path = ''
  let entry = context[0] as t.ContextEntry
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1] as t.ContextEntry
    const current = context[i] as t.ContextEntry
    const tag = tagOf(parent.type)
    if (tag === 'UnionType' && i > 1) return { path: path || root, entry: parent }
    // A level keyed '' checks the same value again (a codec handing it to its JSON form's type).
    if (tag !== 'IntersectionType' && tag !== 'UnionType' && current.key !== '')
      path += /^\d+$/.test(current.key)
        ? `[${current.key}]`
        : `${path === '' ? '' : '.'}${current.key}`
    entry = current
  }
  return { path: path || root, entry }
}

const tagOf = (type: t.Decoder<unknown, unknown>): string | undefined =>
  (type as { _tag?: string })._tag

const typeName = (type: t.Decoder<unknown, unknown>): string => {
  const keys = (type as { keys?: Record<string, unknown> }).keys
  if (tagOf(type) === 'KeyofType' && keys !== undefined)
    return `one of ${Object.keys(keys).join(', ')}`
  if (type.name === 'UnknownRecord') return 'an object'
  if (type.name.length <= TYPE_CHARS) return type.name
  switch (tagOf(type)) {
    case 'ArrayType':
      return 'an array'
    case 'UnionType':
      return `one of its ${(type as { types?: unknown[] }).types?.length ?? 'several'} forms`
    default:
      return 'an object'
  }
}

const shortValue = (value: unknown): string => {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length <= VALUE_CHARS ? text : `${text.slice(0, VALUE_CHARS - 1)}…`
}
