import { describe, expect, it } from 'vitest'
import { itemsProblem, valueProblem } from '../../lib/checkpoint/json-values.js'
import { checkpointLimits } from '../../lib/checkpoint/limits.js'

/** The reason of a 'not-json' problem (and a failure for any other kind). */
const notJsonReason = (value: unknown, path: string): string | undefined => {
  const found = valueProblem(value, path)
  if (found !== undefined) expect(found.problem).toBe('not-json')
  return found?.reason
}

class Point {
  constructor(readonly x: number) {}
}

describe('valueProblem: what JSON cannot hold', () => {
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
    // A deep path is shortened in the middle, keeping where it starts and where it ends.
    expect(notJsonReason(bad, 'ctx')).toMatch(/^ctx(\[0\]){10}…\(87 more\)…(\[0\]){3}: a Date/)
  })
})

describe('itemsProblem', () => {
  it('lets undefined items through and names the index of a bad one', () => {
    expect(itemsProblem([undefined, 1], 'journal')).toBeUndefined()
    expect(itemsProblem([undefined, { at: new Date(0) }], 'journal')?.reason).toMatch(
      /^journal\[1\]\.at: a Date/,
    )
  })
})

const nested = (depth: number, bottom: unknown = 1): unknown => {
  let value = bottom
  for (let i = 0; i < depth; i++) value = { next: value }
  return value
}

describe('valueProblem: the checkpoint limits', () => {
  it('refuses data nested deeper than maxDepth (256 by default), naming the limit and where', () => {
    expect(valueProblem(nested(256), 'ctx')).toBeUndefined()
    const found = valueProblem(nested(257), 'ctx')
    expect(found?.problem).toBe('too-large')
    expect(found?.reason).toBe(
      `ctx${'.next'.repeat(10)}…(243 more)…${'.next'.repeat(3)}: nests deeper than 256 levels ` +
        'of arrays and objects (the checkpoint limit maxDepth)',
    )
  })

  it('walks data of any depth without overflowing the stack', () => {
    // JSON.stringify itself overflows near 4,000 levels: this must not, at any depth.
    const found = valueProblem(nested(100_000), 'ctx')
    expect(found?.problem).toBe('too-large')
    expect(found?.reason).toMatch(/nests deeper than 256 levels/)
    let cyclic: Record<string, unknown> = {}
    const top = cyclic
    for (let i = 0; i < 10; i++) cyclic = (cyclic['a'] = {}) as Record<string, unknown>
    cyclic['back'] = top
    expect(valueProblem(top, 'ctx')?.reason).toMatch(/^ctx(\.a){10}\.back: it contains itself/)
  })

  it('takes another depth limit, below and beyond the fast check', () => {
    expect(valueProblem(nested(3), 'ctx', checkpointLimits({ maxDepth: 3 }))).toBeUndefined()
    expect(valueProblem(nested(4), 'ctx', checkpointLimits({ maxDepth: 3 }))?.reason).toMatch(
      /^ctx\.next\.next\.next: nests deeper than 3 levels/,
    )
    expect(valueProblem(nested(1000), 'x', checkpointLimits({ maxDepth: 1000 }))).toBeUndefined()
    expect(() => checkpointLimits({ maxDepth: 0 })).toThrow(/maxDepth must be a whole number/)
  })

  it('refuses a value whose JSON is longer than maxLength, leading to the part that is', () => {
    const limits = checkpointLimits({ maxLength: 1000 })
    const ok = { small: 'x'.repeat(900) }
    expect(JSON.stringify(ok).length).toBeLessThanOrEqual(1000)
    expect(valueProblem(ok, 'ctx', limits)).toBeUndefined()
    const big = { small: 1, list: [1, { blob: 'y'.repeat(2000) }] }
    expect(valueProblem(big, 'ctx', limits)).toEqual({
      problem: 'too-large',
      reason:
        'ctx.list[1].blob: 2002 characters of JSON, more than the checkpoint limit of 1000 (maxLength)',
    })
    expect(valueProblem('z'.repeat(1001), 'result', limits)?.reason).toMatch(
      /^result: at least 1003 characters of JSON, more than the checkpoint limit of 1000/,
    )
  })

  it('measures what its bounds cannot tell: many numbers, escaped characters', () => {
    const limits = checkpointLimits({ maxLength: 1000 })
    // 100 numbers of 17 characters: at least 100 characters, in fact 1,901.
    const numbers = Array.from({ length: 100 }, (_, i) => 0.1234567890123456 + i)
    expect(valueProblem({ numbers }, 'ctx', limits)?.reason).toBe(
      `ctx.numbers: ${JSON.stringify(numbers).length} characters of JSON, more than the ` +
        'checkpoint limit of 1000 (maxLength)',
    )
    // 200 control characters escape to 1,200.
    expect(valueProblem('\u0001'.repeat(200), 'data', limits)?.reason).toMatch(
      /^data: 1202 characters of JSON/,
    )
    // Many parts, none too long alone: the value itself is named.
    const many = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(20)]),
    )
    expect(valueProblem(many, 'ctx', limits)?.reason).toMatch(
      /^ctx: at least \d+ characters of JSON/,
    )
    expect(valueProblem(numbers.slice(0, 10), 'ctx', limits)).toBeUndefined()
  })
})
