/**
 * The checkpoint codec is one io-ts type whose two directions undo each other: a bundle in any
 * state comes back equal from its JSON form (directly and through JSON text), and a valid JSON
 * form comes back equal from its bundle. A field written but not read (or read but not written)
 * breaks one of the two.
 */
import { fc, it } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it as plainIt } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { CheckpointCodec, CheckpointJson, decodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { PendingCodec } from '../../lib/checkpoint/state-codec.js'
import { mutatedCheckpoint } from '../persistence/damage.js'
import { bundleArbitrary, checkpointJsonArbitrary } from './arbitraries.js'

const decoded = (input: unknown): Bundle => {
  const result = CheckpointCodec.decode(input)
  if (E.isLeft(result)) throw new Error(result.left.map((e) => e.message ?? '').join('; '))
  return result.right
}

/** True when `value` and everything in it is frozen. */
const deeplyFrozen = (value: unknown): boolean =>
  typeof value !== 'object' ||
  value === null ||
  (Object.isFrozen(value) && Object.values(value).every(deeplyFrozen))

/** The names of the fields an object type checks, sorted. */
const fieldsOf = (type: t.Decoder<unknown, unknown>): string[] => {
  if (type instanceof t.InterfaceType || type instanceof t.PartialType)
    return Object.keys(type.props as t.Props).sort()
  if (type instanceof t.IntersectionType || type instanceof t.UnionType)
    return [...new Set((type.types as t.Mixed[]).flatMap(fieldsOf))].sort()
  return []
}

/** The fields written in `forms`, and in the elements of their `awaiting`. */
const fieldsIn = (forms: readonly CheckpointJson[]) => {
  const checkpoint = new Set<string>()
  const pending = new Set<string>()
  for (const form of forms) {
    for (const key of Object.keys(form)) checkpoint.add(key)
    for (const element of form.awaiting ?? [])
      for (const key of Object.keys(element)) pending.add(key)
  }
  return { checkpoint: [...checkpoint].sort(), pending: [...pending].sort() }
}

describe('CheckpointCodec', () => {
  // The properties below only see the fields their arbitraries make: a field added to the form
  // must be added to them too.
  plainIt('is tried on every field of the JSON form, from both sides', () => {
    const expected = { checkpoint: fieldsOf(CheckpointJson), pending: fieldsOf(PendingCodec.json) }
    expect(fieldsIn(fc.sample(checkpointJsonArbitrary, { numRuns: 1000, seed: 1 }))).toEqual(
      expected,
    )
    const bundles = fc.sample(bundleArbitrary, { numRuns: 1000, seed: 1 })
    expect(fieldsIn(bundles.map(CheckpointCodec.encode))).toEqual(expected)
  })

  it.prop([bundleArbitrary], { numRuns: 500 })(
    'decodes the encoding of a bundle in any state to an equal bundle',
    (bundle) => {
      const json = CheckpointCodec.encode(bundle)
      expect(CheckpointJson.is(json)).toBe(true)
      expect(decoded(json)).toEqual(bundle)
      expect(CheckpointCodec.is(bundle)).toBe(true)
    },
  )

  it.prop([bundleArbitrary], { numRuns: 300 })(
    'brings a bundle back equal through JSON text, with its context and outputs deeply frozen',
    (bundle) => {
      const loaded = decodeCheckpoint(JSON.stringify(CheckpointCodec.encode(bundle)))
      expect(loaded).toEqual(E.right(bundle))
      if (E.isLeft(loaded)) return
      expect(deeplyFrozen(loaded.right.snapshot.ctx)).toBe(true)
      expect(deeplyFrozen(loaded.right.snapshot.outputs)).toBe(true)
    },
  )

  it.prop([checkpointJsonArbitrary], { numRuns: 500 })(
    'encodes the decoding of a valid JSON form to an equal form',
    (json) => {
      expect(CheckpointJson.is(json)).toBe(true)
      expect(CheckpointCodec.encode(decoded(json))).toEqual(json)
      const loaded = decodeCheckpoint(JSON.stringify(json))
      expect(E.map(CheckpointCodec.encode)(loaded)).toEqual(E.right(json))
    },
  )

  it.prop([fc.oneof(checkpointJsonArbitrary, mutatedCheckpoint, fc.anything())], { numRuns: 500 })(
    'reads through the guard of the JSON form only what its validation lets through',
    (value) => {
      // `decode` skips io-ts validation for what `CheckpointJson.is` lets through: the two agree.
      expect(CheckpointJson.is(value)).toBe(E.isRight(CheckpointJson.decode(value)))
    },
  )

  it.prop([checkpointJsonArbitrary])(
    'refuses a sparse array where the form wants numbers',
    (json) => {
      const sparse = { ...json, at: [0, , 1] }
      expect(CheckpointJson.is(sparse)).toBe(false)
      expect(E.isLeft(CheckpointCodec.decode(sparse))).toBe(true)
    },
  )
})
