/**
 * `decodeParsed`, the codec's decoding of text it has just parsed, checks the shape through the
 * fields an object has rather than every field the shape knows: for any JSON it answers exactly
 * as `decode` does, with the same bundle or the same errors.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import { CheckpointCodec } from '../../lib/checkpoint/codec.js'
import { mutatedCheckpoint } from '../persistence/damage.js'
import { FIXTURES } from '../persistence/fixtures.js'
import { checkpointJsonArbitrary } from './arbitraries.js'

const shape = CheckpointCodec.part.shape
const knownFields = [...Object.keys(shape.required), ...Object.keys(shape.optional)]

/** Both ways, on two parses of the same text (reading may freeze what it reads). */
const answersAsDecode = (json: unknown): void => {
  const text = JSON.stringify(json)
  if (text === undefined) return
  const parsed = CheckpointCodec.decodeParsed(JSON.parse(text))
  const whole = CheckpointCodec.decode(JSON.parse(text))
  expect(parsed._tag).toBe(whole._tag)
  if (parsed._tag === 'Right' && whole._tag === 'Right') expect(parsed.right).toEqual(whole.right)
  else expect(PathReporter.report(parsed)).toEqual(PathReporter.report(whole))
}

/** A valid checkpoint with one field the shape knows set to any JSON value. */
const oneFieldChanged = fc
  .tuple(
    fc.constantFrom(...Object.values(FIXTURES).map((b) => CheckpointCodec.encode(b))),
    fc.constantFrom(...knownFields),
    fc.oneof(fc.jsonValue(), fc.constant(null)),
  )
  .map(([json, key, value]) => ({ ...json, [key]: value }))

describe('CheckpointCodec.decodeParsed', () => {
  it('answers valid checkpoints as decode does', () => {
    for (const bundle of Object.values(FIXTURES)) answersAsDecode(CheckpointCodec.encode(bundle))
    fc.assert(fc.property(checkpointJsonArbitrary, answersAsDecode), { numRuns: 300 })
  })

  it('answers checkpoints with a known field of any type as decode does', () => {
    fc.assert(fc.property(oneFieldChanged, answersAsDecode), { numRuns: 1000 })
  })

  it('answers damaged checkpoints and any JSON as decode does', () => {
    fc.assert(fc.property(mutatedCheckpoint, answersAsDecode), { numRuns: 500 })
    fc.assert(fc.property(fc.jsonValue(), answersAsDecode), { numRuns: 300 })
  })

  it('refuses a checkpoint that lacks a required field, or holds it as undefined', () => {
    const json = CheckpointCodec.encode(Object.values(FIXTURES)[0]!) as Record<string, unknown>
    for (const key of Object.keys(shape.required)) {
      const { [key]: _dropped, ...rest } = json
      expect(CheckpointCodec.decodeParsed(rest)._tag).toBe('Left')
      expect(CheckpointCodec.decodeParsed({ ...json, [key]: undefined })._tag).toBe('Left')
    }
  })
})
