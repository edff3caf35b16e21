import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { FIXTURES } from '../persistence/fixtures.js'

describe('a bundle sent through JSON', () => {
  for (const [name, bundle] of Object.entries(FIXTURES))
    it(`loads back equal: ${name}`, () => {
      const decoded = decodeCheckpoint(JSON.parse(JSON.stringify(bundle)))
      expect(decoded).toEqual(E.right(bundle))
    })

  it('is checked like a stored checkpoint: a damaged one is a malformed CheckpointError', () => {
    const [bundle] = Object.values(FIXTURES)
    const damaged = JSON.parse(JSON.stringify(bundle))
    damaged.snapshot.state._tag = 'DANCING'
    const decoded = decodeCheckpoint(damaged)
    expect(E.isLeft(decoded) && decoded.left.problem).toBe('malformed')
    expect(E.isLeft(decoded) && decoded.left.pid).toBe(bundle?.pid)
  })
})
