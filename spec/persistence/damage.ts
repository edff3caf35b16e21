/**
 * Damaged checkpoints for the fuzz tests: valid checkpoints of every fixture with random changes
 * to their JSON, or to their text.
 */
import fc from 'fast-check'
import { encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { FIXTURES } from './fixtures.js'

const fixtureJson = Object.values(FIXTURES).map((bundle) => encodeCheckpoint(bundle))

/** A valid checkpoint's JSON with one to four random changes somewhere in it. */
export const mutatedCheckpoint = fc
  .tuple(
    fc.constantFrom(...fixtureJson),
    fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.oneof(fc.jsonValue(), fc.anything())), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([json, changes]) => {
    const copy = structuredClone(json) as Record<string, unknown>
    for (const [pick, kind, value] of changes) mutate(copy, pick, kind, value)
    return copy
  })

function mutate(node: Record<string, unknown>, pick: number, kind: number, value: unknown): void {
  const keys = Object.keys(node)
  const key = keys[pick % Math.max(1, keys.length)]
  const child = key === undefined ? undefined : node[key]
  if (typeof child === 'object' && child !== null && pick % 2 === 1) {
    return mutate(child as Record<string, unknown>, pick >> 1, kind, value)
  }
  if (kind === 0 && key !== undefined) delete node[key]
  else if (kind === 1) node[`extra${pick % 3}`] = value
  else if (key !== undefined) node[key] = value
}

/** A valid checkpoint's text with characters cut, doubled or replaced. */
export const damagedText = fc
  .tuple(
    fc.constantFrom(...fixtureJson.map((json) => JSON.stringify(json))),
    fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.string({ maxLength: 3 })), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([text, edits]) =>
    edits.reduce((t, [at, kind, insert]) => {
      const i = at % (t.length + 1)
      return kind === 0
        ? t.slice(0, i) + t.slice(i + 1)
        : kind === 1
          ? t.slice(0, i) + insert + t.slice(i)
          : t.slice(0, i) + insert + t.slice(i + insert.length)
    }, text),
  )

/**
 * Damaged checkpoint texts as a store could hold them: changed JSON, or changed text. Without NUL
 * characters, which PostgreSQL's text columns refuse before the loader could see them.
 */
export const damagedBody = fc
  .oneof(
    mutatedCheckpoint.map((json) => JSON.stringify(json)),
    damagedText,
  )
  .map((text) => text.replaceAll('\u0000', ''))
