import { describe, expect, it } from 'vitest'
import { validate, version } from 'uuid'
import { flatUuid } from '../../lib/runtime/flat-uuid.js'

describe('flatUuid', () => {
  it('makes version 4 UUIDs that the uuid package accepts', () => {
    for (let i = 0; i < 600; i++) {
      const id = flatUuid()
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(validate(id)).toBe(true)
      expect(version(id)).toBe(4)
    }
  })

  it('never repeats itself, across many refills of its pool of random bytes', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => flatUuid()))
    expect(ids.size).toBe(20_000)
  })
})
