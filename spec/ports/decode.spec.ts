import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { buildSpec, input } from '../../lib/ports/index.js'
import { errorsOf, valueOf } from './helpers.js'

const parseX = (codec: t.Any, value: unknown) =>
  buildSpec({ inputs: { x: input(codec) } }).inputs.parse({ x: value })

describe('PortNamespace.parse (codec errors)', () => {
  it('names the expected type and the value received', () => {
    expect(errorsOf(parseX(t.string, 3))).toEqual([
      { path: 'inputs.x', message: 'expected string, got 3' },
    ])
    expect(errorsOf(parseX(t.number, null))).toEqual([
      { path: 'inputs.x', message: 'expected number, got null' },
    ])
  })

  it('continues the path into the value for object and array codecs', () => {
    const codec = t.type({ items: t.array(t.number), name: t.string })
    expect(errorsOf(parseX(codec, { items: [1, 'two'], name: 4 }))).toEqual([
      { path: 'inputs.x.items.1', message: 'expected number, got "two"' },
      { path: 'inputs.x.name', message: 'expected string, got 4' },
    ])
  })

  it('reports a union once, at the union, with its name', () => {
    expect(errorsOf(parseX(t.union([t.string, t.number]), true))).toEqual([
      { path: 'inputs.x', message: 'expected (string | number), got true' },
    ])
  })

  it('reports intersections at the data path, once', () => {
    const codec = t.intersection([t.type({ a: t.number }), t.partial({ b: t.string })])
    expect(errorsOf(parseX(codec, { a: 'x', b: 1 }))).toEqual([
      { path: 'inputs.x.a', message: 'expected number, got "x"' },
      { path: 'inputs.x.b', message: 'expected string, got 1' },
    ])
  })

  it('uses the name of a refinement and a custom message when the codec gives one', () => {
    const positive = t.refinement(t.number, (n) => n > 0, 'Positive')
    expect(errorsOf(parseX(positive, -1))).toEqual([
      { path: 'inputs.x', message: 'expected Positive, got -1' },
    ])
    const even = new t.Type<number, number, unknown>(
      'Even',
      (u): u is number => typeof u === 'number' && u % 2 === 0,
      (u, c) =>
        typeof u === 'number' && u % 2 === 0 ? t.success(u) : t.failure(u, c, 'must be even'),
      (n) => n,
    )
    expect(errorsOf(parseX(even, 3))).toEqual([{ path: 'inputs.x', message: 'must be even' }])
  })

  it('keeps what the codec decoded', () => {
    const trimmed = new t.Type<string, string, unknown>(
      'Trimmed',
      (u): u is string => typeof u === 'string',
      (u, c) => (typeof u === 'string' ? t.success(u.trim()) : t.failure(u, c)),
      (s) => s,
    )
    expect(valueOf(parseX(trimmed, '  a  '))).toEqual({ x: 'a' })
  })

  it('reports a codec that throws instead of throwing', () => {
    const broken = new t.Type<string, string, unknown>(
      'Broken',
      (u): u is string => typeof u === 'string',
      () => {
        throw new Error('oops')
      },
      (s) => s,
    )
    expect(errorsOf(parseX(broken, 'a'))).toEqual([
      { path: 'inputs.x', message: 'codec Broken threw: oops' },
    ])
  })

  it('shortens long values in messages', () => {
    expect(errorsOf(parseX(t.number, 'a'.repeat(200)))).toEqual([
      { path: 'inputs.x', message: `expected number, got "${'a'.repeat(76)}...` },
    ])
  })
})
