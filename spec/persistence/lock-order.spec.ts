/**
 * A batch's lock order must be PostgreSQL's `ORDER BY pid` on a `COLLATE "C"` column: the
 * order of the UTF-8 bytes, which JavaScript's own string comparison does not follow for
 * characters above U+FFFF.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { compareLockKeys } from '../../lib/persistence/postgres/lock-order.js'

const byteOrder = (a: string, b: string) =>
  Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))

describe('compareLockKeys', () => {
  it('puts a character above U+FFFF after one in U+E000–U+FFFF, as UTF-8 bytes do', () => {
    const astral = '\u{1F600}'
    const high = '\uFF21'
    expect(astral < high).toBe(true) // UTF-16 code units: the surrogate 0xD83D comes first
    expect(Math.sign(compareLockKeys(astral, high))).toBe(1)
    expect(Math.sign(compareLockKeys('pid-1', 'pid-10'))).toBe(-1)
    expect(compareLockKeys('pid-1', 'pid-1')).toBe(0)
  })

  test.prop([fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })])(
    'orders any two strings as their UTF-8 bytes',
    (a, b) => {
      expect(Math.sign(compareLockKeys(a, b))).toBe(byteOrder(a, b))
    },
  )
})
