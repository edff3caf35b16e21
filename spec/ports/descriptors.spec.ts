import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { buildSpec, input, namespace, output, type PortInfo } from '../../lib/ports/index.js'

describe('input', () => {
  it('returns an inert tagged descriptor holding the codec and the options as given', () => {
    const validator = (value: number) => (value > 0 ? undefined : 'must be positive')
    const descriptor = input(t.number, { help: 'how many', default: 3, validator })
    expect(descriptor).toEqual({
      _tag: 'PortDescriptor',
      codec: t.number,
      options: { help: 'how many', default: 3, validator },
    })
    expect(Object.isFrozen(descriptor)).toBe(true)
  })

  it('accepts anything when no codec is given', () => {
    expect(input().codec).toBe(t.unknown)
    expect(input(undefined, { help: 'anything' }).codec).toBe(t.unknown)
  })

  it('gives the built port its name, dotted path, codec, help and required flag (true by default)', () => {
    const spec = buildSpec({ inputs: { x: input(t.number, { help: 'how many' }), y: input() } })
    expect(spec.inputs.getPort('x')).toMatchObject({
      _tag: 'Port',
      name: 'x',
      path: 'inputs.x',
      codec: t.number,
      help: 'how many',
      required: true,
      declaredRequired: true,
      default: { _tag: 'NoDefault' },
    })
    expect(spec.inputs.getPort('y')).toMatchObject({ help: undefined, required: true })
  })

  it('makes a port with a default optional', () => {
    const spec = buildSpec({ inputs: { x: input(t.number, { default: 1 }) } })
    expect(spec.inputs.getPort('x')).toMatchObject({
      required: false,
      declaredRequired: true,
      default: { _tag: 'ValueDefault', value: 1 },
    })
  })

  it('passes the decoded value and the built port to the validator', () => {
    const seen: Array<[number, PortInfo]> = []
    const spec = buildSpec({
      inputs: {
        x: input(t.number, {
          validator: (value, port) => {
            seen.push([value, port])
            return undefined
          },
        }),
      },
    })
    spec.inputs.parse({ x: 4 })
    expect(seen).toEqual([[4, spec.inputs.getPort('x')]])
  })
})

describe('output', () => {
  it('builds ports the way input does', () => {
    expect(output(t.string, { required: false })).toEqual({
      _tag: 'PortDescriptor',
      codec: t.string,
      options: { required: false },
    })
    expect(output().codec).toBe(t.unknown)
  })
})

describe('namespace', () => {
  it('returns an inert tagged descriptor of its fields and options', () => {
    const x = input(t.number)
    const descriptor = namespace({ x }, { help: 'a group', required: false })
    expect(descriptor).toEqual({
      _tag: 'NamespaceDescriptor',
      fields: { x },
      options: { help: 'a group', required: false },
    })
    expect(Object.isFrozen(descriptor)).toBe(true)
  })

  it('is built with its attributes: help, required, dynamic, value type, populateDefaults', () => {
    const spec = buildSpec({
      inputs: {
        plain: namespace({ x: input() }),
        group: namespace(
          {},
          { help: 'extras', required: false, valueType: t.string, populateDefaults: false },
        ),
      },
    })
    expect(spec.inputs.getPort('plain')).toMatchObject({
      _tag: 'PortNamespace',
      name: 'plain',
      path: 'inputs.plain',
      help: undefined,
      required: true,
      dynamic: false,
      valueType: undefined,
      populateDefaults: true,
    })
    expect(spec.inputs.getPort('group')).toMatchObject({
      help: 'extras',
      required: false,
      dynamic: true,
      valueType: t.string,
      populateDefaults: false,
    })
  })
})
