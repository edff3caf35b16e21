import { describe, expect, it } from 'vitest'
import { notJsonItems, notJsonReason } from '../../lib/checkpoint/json-values.js'

class Point {
  constructor(readonly x: number) {}
}

describe('notJsonReason', () => {
  it('accepts plain JSON data, undefined properties (JSON drops them) included', () => {
    const value = { a: 1, b: 'x', c: [true, null, { d: [1.5] }], e: undefined }
    expect(notJsonReason(value, 'ctx')).toBeUndefined()
    expect(notJsonReason(Object.create(null), 'ctx')).toBeUndefined()
    expect(JSON.parse(JSON.stringify(value))).toEqual(value)
  })

  it('names the dotted path and what to store instead', () => {
    expect(notJsonReason({ when: new Date(0) }, 'ctx')).toBe(
      'ctx.when: a Date is not JSON; store an ISO string (toISOString())',
    )
    expect(notJsonReason({ a: { b: [0, new Map()] } }, 'outputs')).toBe(
      'outputs.a.b[1]: a Map is not JSON; store a plain object or an array of [key, value] pairs',
    )
    expect(notJsonReason({ 'odd key': new Set() }, 'ctx')).toBe(
      'ctx["odd key"]: a Set is not JSON; store an array',
    )
  })

  it('refuses every value JSON would change or cannot write', () => {
    const cases: [unknown, RegExp][] = [
      [NaN, /NaN is not JSON/],
      [-Infinity, /-Infinity is not JSON/],
      [[1, undefined], /undefined in an array/],
      [[1, , 3], /a hole/],
      [10n, /a BigInt is not JSON/],
      [() => 1, /a function is not JSON/],
      [Symbol('s'), /a symbol is not JSON/],
      [new Point(1), /a Point instance is not JSON; store its data as a plain object/],
    ]
    for (const [value, reason] of cases) {
      expect(notJsonReason({ v: value }, 'ctx'), String(reason)).toMatch(reason)
      // Whatever is refused does not survive JSON as it was (or does not survive at all).
      let back: unknown
      try {
        back = JSON.parse(JSON.stringify({ v: value }) ?? 'null')
      } catch {
        back = 'throws'
      }
      expect(back).not.toStrictEqual({ v: value })
    }
  })

  it('reports a cycle instead of walking it forever', () => {
    const a: Record<string, unknown> = { b: { c: 1 } }
    ;(a['b'] as Record<string, unknown>)['back'] = a
    expect(notJsonReason(a, 'ctx')).toBe(
      'ctx.b.back: it contains itself (a cycle), which JSON cannot hold',
    )
  })

  it('accepts deep data beyond the fast check when it is JSON', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 200; i++) deep = { next: deep }
    expect(notJsonReason(deep, 'ctx')).toBeUndefined()
    let bad: unknown = new Date(0)
    for (let i = 0; i < 100; i++) bad = [bad]
    expect(notJsonReason(bad, 'ctx')).toMatch(/^ctx(\[0\]){100}: a Date/)
  })
})

describe('notJsonItems', () => {
  it('lets undefined items through and names the index of a bad one', () => {
    expect(notJsonItems([undefined, 1], 'journal')).toBeUndefined()
    expect(notJsonItems([undefined, { at: new Date(0) }], 'journal')).toMatch(
      /^journal\[1\]\.at: a Date/,
    )
  })
})
