import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  applyJsonPatches,
  decodePatches,
  diffJson,
  encodePatches,
} from '../../lib/persistence/patches.js'

/** Deep equality down to key order and the sign of zero, as JSON text sees it (and more). */
const expectSameJson = (actual: unknown, expected: unknown) => {
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected))
  expect(actual).toEqual(expected)
}

/**
 * Apply the diff both ways: as `diffJson` returns it (exactly `b`), and through its stored text
 * (`b` as JSON text has it: JSON has no -0, so a stored -0 comes back as 0).
 */
const expectPatched = (a: unknown, b: unknown) => {
  const patches = diffJson(a, b)
  expectSameJson(applyJsonPatches(a, patches), b)
  const stored = decodePatches(encodePatches(patches))
  if (typeof stored === 'string') throw new Error(stored)
  expectSameJson(applyJsonPatches(a, stored), JSON.parse(JSON.stringify(b)))
}

/**
 * JSON values as a checkpoint holds them: parsed from text, so without -0 (which JSON text
 * cannot carry; a stored checkpoint never has one).
 */
const jsonValue = () => fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown)

/** A JSON value and an edited copy of it, so the diff has shared structure to find. */
const editedPair = fc
  .tuple(jsonValue(), fc.array(fc.tuple(fc.nat(), fc.nat(), jsonValue()), { maxLength: 6 }))
  .map(([a, edits]) => {
    const b = structuredClone(a)
    const root = { value: b as unknown }
    for (const [depth, pick, value] of edits) edit(root, 'value', depth % 4, pick, value)
    return [a, root.value] as const
  })

/** Walk down `depth` levels choosing children by `pick`, then set, add, or delete there. */
function edit(
  parent: Record<string, unknown>,
  key: string | number,
  depth: number,
  pick: number,
  value: unknown,
) {
  const node = (parent as Record<string | number, unknown>)[key]
  if (depth > 0 && typeof node === 'object' && node !== null) {
    const keys = Object.keys(node)
    if (keys.length > 0) {
      const child = keys[pick % keys.length] as string
      return edit(
        node as Record<string, unknown>,
        Array.isArray(node) ? Number(child) : child,
        depth - 1,
        pick >> 2,
        value,
      )
    }
  }
  if (Array.isArray(node) && pick % 3 === 0) return void node.push(value)
  if (Array.isArray(node) && pick % 3 === 1) return void node.pop()
  if (typeof node === 'object' && node !== null && pick % 3 === 0) {
    return void ((node as Record<string, unknown>)[`k${pick % 5}`] = value)
  }
  ;(parent as Record<string | number, unknown>)[key] = value
}

describe('diffJson', () => {
  it('gives patches that turn a into b, for any two JSON values', () => {
    fc.assert(
      fc.property(jsonValue(), jsonValue(), (a, b) => {
        expectPatched(a, b)
      }),
      { numRuns: 500 },
    )
  })

  it('gives patches that turn a into b, for b an edited copy of a', () => {
    fc.assert(
      fc.property(editedPair, ([a, b]) => {
        const before = JSON.stringify(a)
        expectPatched(a, b)
        expect(JSON.stringify(a)).toBe(before) // a itself is left untouched
      }),
      { numRuns: 1000 },
    )
  })

  it('is empty for equal values and small for a loop step', () => {
    const a = { v: 1, at: [0, 0], ctx: { i: 5 } }
    expect(diffJson(a, structuredClone(a))).toEqual([])
    expect(diffJson(a, { v: 1, at: [0, 0], ctx: { i: 6 } })).toEqual([
      { op: 'replace', path: ['ctx', 'i'], value: 6 },
    ])
    expect(encodePatches(diffJson(a, { v: 1, at: [0, 0], ctx: { i: 6 } }))).toBe(
      '[[["ctx","i"],6]]',
    )
  })

  it('appends to and shortens arrays at their end', () => {
    expect(diffJson([1, 2], [1, 2, 3, 4])).toEqual([
      { op: 'add', path: [2], value: 3 },
      { op: 'add', path: [3], value: 4 },
    ])
    expect(diffJson([1, 2, 3], [1])).toEqual([
      { op: 'remove', path: [2] },
      { op: 'remove', path: [1] },
    ])
  })

  it('replaces an object whose keys changed order, so the order survives', () => {
    const a = { x: 1, y: 2 }
    const b = { y: 2, x: 1 }
    expect(Object.keys(applyJsonPatches(a, diffJson(a, b)) as object)).toEqual(['y', 'x'])
    expectPatched(a, b)
  })

  it('never lets a __proto__ or constructor key reach a prototype', () => {
    const a = JSON.parse('{"__proto__":{"polluted":1},"k":[1],"o":{"constructor":{"x":1}}}')
    const b = JSON.parse('{"__proto__":{"polluted":2},"k":[1,2],"o":{"constructor":{"x":2}}}')
    expectPatched(a, b)
    expect(Object.getPrototypeOf(applyJsonPatches(a, diffJson(a, b)))).toBe(Object.prototype)
    const added = JSON.parse('{"k":{"__proto__":{"polluted":3}}}')
    expectPatched({ k: 1 }, added)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})

describe('decodePatches', () => {
  it('refuses text that is not a patch list, without throwing', () => {
    for (const text of [
      '',
      '{',
      '{}',
      '[1]',
      '[[1]]',
      '[["a"]]',
      '[[[-1]]]',
      '[[[1.5],2]]',
      '[[[],1,2]]',
    ]) {
      expect(typeof decodePatches(text)).toBe('string')
    }
    expect(decodePatches('[[["a",0]],[[],1]]')).toEqual([
      { op: 'remove', path: ['a', 0] },
      { op: 'replace', path: [], value: 1 },
    ])
  })
})
