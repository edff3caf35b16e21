/**
 * The checkpoint codec under random input: whatever a store hands back (garbage, foreign JSON, a
 * damaged checkpoint), decoding answers with a bundle or a `CheckpointError`, and never throws.
 */
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { CheckpointError } from '../../lib/checkpoint/errors.js'
import { damagedText, mutatedCheckpoint } from './damage.js'
import { FIXTURES } from './fixtures.js'

const source = { pid: 'fuzzed', tag: 'fuzz' }

/** Decode, expecting an answer of the right kind; a decoded bundle must re-encode stably. */
const decodesSafely = (input: unknown): void => {
  let result: E.Either<CheckpointError, Bundle> | undefined
  expect(() => (result = decodeCheckpoint(input, source))).not.toThrow()
  if (result === undefined) throw new Error('no result')
  if (E.isLeft(result)) {
    expect(result.left).toBeInstanceOf(CheckpointError)
    expect(typeof result.left.reason).toBe('string')
    return
  }
  // Whatever was accepted is a checkpoint: it survives its own round trip unchanged.
  const text = JSON.stringify(encodeCheckpoint(result.right))
  const again = decodeCheckpoint(text, source)
  expect(E.isRight(again)).toBe(true)
  if (E.isRight(again)) expect(JSON.stringify(encodeCheckpoint(again.right))).toBe(text)
}

describe('decodeCheckpoint under random input', () => {
  it('answers random strings and bytes without throwing', () => {
    // Binary strings (lone surrogates included) are slow to generate: keep them short.
    const strings = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 24 }))
    fc.assert(fc.property(strings, decodesSafely), { numRuns: 500 })
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        decodesSafely(bytes)
        decodesSafely(Buffer.from(bytes).toString('utf8'))
      }),
      { numRuns: 300 },
    )
  })

  it('answers random JSON and random values without throwing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        decodesSafely(value)
        decodesSafely(JSON.stringify(value))
      }),
      { numRuns: 500 },
    )
    fc.assert(fc.property(fc.anything(), decodesSafely), { numRuns: 500 })
  })

  it('answers randomly changed checkpoints without throwing', () => {
    fc.assert(
      fc.property(mutatedCheckpoint, (json) => {
        decodesSafely(json)
        decodesSafely(JSON.stringify(json))
      }),
      { numRuns: 1000 },
    )
    fc.assert(fc.property(damagedText, decodesSafely), { numRuns: 1000 })
  })
})

describe('encodeCheckpoint', () => {
  it('is undone by decodeCheckpoint through JSON text, for every fixture', () => {
    for (const bundle of Object.values(FIXTURES)) {
      const text = JSON.stringify(encodeCheckpoint(bundle))
      const decoded = decodeCheckpoint(JSON.parse(text), { pid: bundle.pid })
      if (E.isLeft(decoded)) throw decoded.left
      expect(decoded.right).toEqual(bundle)
      expect(JSON.stringify(encodeCheckpoint(decoded.right))).toBe(text)
    }
  })
})
