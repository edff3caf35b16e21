import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { buildSpec, input, namespace, PortNamespace } from '../../lib/ports/index.js'
import { isDeeplyFrozen, valueOf } from './helpers.js'

const spec = buildSpec({
  inputs: {
    list: input(t.array(t.number), { default: [1, 2] }),
    sub: namespace({
      data: input(t.unknown, { required: false }),
      'deeper.x': input(t.number, { default: 1 }),
    }),
    dyn: namespace({}, { dynamic: true }),
  },
})

describe('PortNamespace.parse', () => {
  it('leaves the raw inputs exactly as given', () => {
    const raw = { sub: { data: { nested: [1, { a: 2 }] } }, dyn: { k: { v: [3] } } }
    const before = structuredClone(raw)
    valueOf(spec.inputs.parse(raw))
    expect(raw).toEqual(before)
    expect(Object.isFrozen(raw)).toBe(false)
    expect(Object.isFrozen(raw.sub.data)).toBe(false)
    expect(Object.isFrozen(raw.dyn.k.v)).toBe(false)
  })

  it('returns parsed inputs deeply frozen, defaults included', () => {
    const parsed = valueOf(spec.inputs.parse({ sub: { data: { nested: [1, { a: 2 }] } } }))
    expect(parsed).toEqual({
      list: [1, 2],
      sub: { data: { nested: [1, { a: 2 }] }, deeper: { x: 1 } },
      dyn: {},
    })
    expect(isDeeplyFrozen(parsed)).toBe(true)
  })

  it('shares no object with the raw inputs or with the defaults of the spec', () => {
    const raw = { sub: { data: { value: 1 } } }
    const first = valueOf(spec.inputs.parse(raw))
    raw.sub.data.value = 2
    expect(first.sub).toEqual({ data: { value: 1 }, deeper: { x: 1 } })
    const second = valueOf(spec.inputs.parse(raw))
    expect(second['list']).not.toBe(first['list'])
  })

  it('treats undefined as no inputs at all', () => {
    expect(valueOf(spec.inputs.parse(undefined))).toEqual({
      list: [1, 2],
      sub: { deeper: { x: 1 } },
      dyn: {},
    })
  })

  it('keeps a key named __proto__ as data', () => {
    const raw = JSON.parse('{"sub": {"deeper": {}}, "dyn": {"__proto__": {"polluted": true}}}')
    const parsed = valueOf(spec.inputs.parse(raw))
    expect(Object.keys(parsed['dyn'] as object)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})

describe('PortNamespace.getPort', () => {
  it('finds ports and namespaces by dotted path', () => {
    expect(spec.inputs.getPort('sub')).toBeInstanceOf(PortNamespace)
    expect(spec.inputs.getPort('sub.deeper.x')).toMatchObject({ _tag: 'Port', name: 'x' })
  })

  it('returns undefined for a path that names nothing', () => {
    expect(spec.inputs.getPort('nope')).toBeUndefined()
    expect(spec.inputs.getPort('list.x')).toBeUndefined()
    expect(spec.inputs.getPort('')).toBeUndefined()
  })
})

describe('PortNamespace.description', () => {
  it('describes a nested namespace on its own, and serializes to that description', () => {
    const sub = spec.inputs.getPort('sub')
    expect(sub).toBeInstanceOf(PortNamespace)
    const description = (sub as PortNamespace).description()
    expect(description).toEqual({
      _attrs: { default: null, dynamic: false, help: null, required: true, valid_type: null },
      data: { name: 'data', required: false },
      deeper: {
        _attrs: { default: null, dynamic: false, help: null, required: true, valid_type: null },
        x: { name: 'x', required: false, valid_type: 'number', default: 1 },
      },
    })
    expect(JSON.parse(JSON.stringify(sub))).toEqual(description)
  })

  it('shows lazy defaults as <lazy>, value types, dynamic flags and help', () => {
    const described = buildSpec({
      inputs: {
        stamp: input(t.number, { default: () => 0 }),
        extras: namespace({}, { valueType: t.string, help: 'more', default: { a: 'b' } }),
      },
    }).getDescription()
    expect(described.inputs['stamp']).toEqual({
      name: 'stamp',
      required: false,
      valid_type: 'number',
      default: '<lazy>',
    })
    expect(described.inputs['extras']).toEqual({
      _attrs: {
        default: { a: 'b' },
        dynamic: true,
        help: 'more',
        required: false,
        valid_type: 'string',
      },
    })
  })
})
