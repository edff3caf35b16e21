import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  buildSpec,
  expose,
  input,
  namespace,
  output,
  PortNamespace,
  SpecError,
} from '../../lib/ports/index.js'
import { errorsOf, valueOf } from './helpers.js'

const child = () =>
  buildSpec({
    inputs: {
      x: input(t.number, { help: 'the x' }),
      y: input(t.number, { default: 2 }),
      sub: namespace({ a: input(t.string), b: input(t.string, { required: false }) }),
    },
    outputs: { result: output(t.number) },
  })

const portNames = (namespace: PortNamespace | undefined): string[] =>
  namespace === undefined ? [] : [...namespace.ports.keys()]

describe('expose', () => {
  it('absorbs the inputs of another spec at the top level', () => {
    const parent = buildSpec({ inputs: { ...expose(child()), z: input(t.string) } })
    expect(portNames(parent.inputs)).toEqual(['x', 'y', 'sub', 'z'])
    expect(parent.inputs.getPort('x')).toMatchObject({ path: 'inputs.x', help: 'the x' })
    expect(valueOf(parent.inputs.parse({ x: 1, sub: { a: 'a' }, z: 'z' }))).toEqual({
      x: 1,
      y: 2,
      sub: { a: 'a' },
      z: 'z',
    })
  })

  it('gives the same description as the ports written out by hand', () => {
    const exposed = buildSpec({ inputs: expose(child()) })
    expect(exposed.getDescription().inputs).toEqual(child().getDescription().inputs)
  })

  it('absorbs outputs when given the outputs namespace', () => {
    const parent = buildSpec({ outputs: expose(child().outputs) })
    expect(portNames(parent.outputs)).toEqual(['result'])
  })

  it('puts the ports under a (nested) namespace', () => {
    const parent = buildSpec({ inputs: expose(child(), { namespace: 'wrapped.child' }) })
    const wrapped = parent.inputs.getPort('wrapped.child')
    expect(wrapped).toBeInstanceOf(PortNamespace)
    expect(portNames(wrapped as PortNamespace)).toEqual(['x', 'y', 'sub'])
    expect(errorsOf(parent.inputs.parse({}))).toEqual([
      { path: 'inputs.wrapped.child.x', message: 'required value was not provided' },
      { path: 'inputs.wrapped.child.sub.a', message: 'required value was not provided' },
    ])
  })

  it('keeps only the included ports, following nested rules', () => {
    const fields = expose(child(), { include: ['x', 'sub.b'] })
    const parent = buildSpec({ inputs: fields })
    expect(portNames(parent.inputs)).toEqual(['x', 'sub'])
    expect(portNames(parent.inputs.getPort('sub') as PortNamespace)).toEqual(['b'])
  })

  it('removes the excluded ports, following nested rules', () => {
    const parent = buildSpec({ inputs: expose(child(), { exclude: ['y', 'sub.a'] }) })
    expect(portNames(parent.inputs)).toEqual(['x', 'sub'])
    expect(portNames(parent.inputs.getPort('sub') as PortNamespace)).toEqual(['b'])
  })

  it('refuses include and exclude together', () => {
    expect(() => expose(child(), { include: ['x'], exclude: ['y'] })).toThrow(
      new SpecError('expose: give include or exclude, not both'),
    )
  })

  it('refuses a rule that names no port of the source', () => {
    expect(() => expose(child(), { include: ['sub.nope'] })).toThrow(
      "expose: include 'sub.nope' names no port of inputs",
    )
    expect(() => expose(child(), { exclude: ['x.y'] })).toThrow(SpecError)
  })

  it('applies namespace options over the attributes of the source namespace', () => {
    const source = buildSpec({
      inputs: { x: input(t.number) },
      inputsOptions: { valueType: t.string, help: 'source help' },
    })
    const parent = buildSpec({
      inputs: expose(source, {
        namespace: 'child',
        namespaceOptions: { required: false, help: 'the child', dynamic: false },
      }),
    })
    expect(parent.inputs.getPort('child')).toMatchObject({
      help: 'the child',
      required: false,
      dynamic: true,
      valueType: t.string,
    })
    expect(valueOf(parent.inputs.parse({}))).toEqual({})
  })

  it('returns fresh descriptors: the exposed ports are deep copies of the source', () => {
    const items = [1, 2]
    const source = buildSpec({ inputs: { items: input(t.array(t.number), { default: items }) } })
    items.push(3)
    const fields = expose(source)
    const exposedDefault = fields.items.options.default
    expect(exposedDefault).toEqual([1, 2])
    const sourcePort = source.inputs.getPort('items')
    expect(sourcePort?._tag === 'Port' && sourcePort.default).toEqual({
      _tag: 'ValueDefault',
      value: [1, 2],
    })
    expect(
      sourcePort?._tag === 'Port' && sourcePort.default._tag === 'ValueDefault'
        ? sourcePort.default.value
        : undefined,
    ).not.toBe(exposedDefault)
    expect(expose(source).items).not.toBe(fields.items)
  })

  it('keeps validators and lazy defaults of the exposed ports', () => {
    let calls = 0
    const source = buildSpec({
      inputs: {
        n: input(t.number, {
          default: () => {
            calls += 1
            return 1
          },
          validator: (value) => (value > 0 ? undefined : 'must be positive'),
        }),
      },
    })
    const parent = buildSpec({ inputs: expose(source, { namespace: 'child' }) })
    expect(valueOf(parent.inputs.parse({}))).toEqual({ child: { n: 1 } })
    expect(calls).toBe(1)
    expect(errorsOf(parent.inputs.parse({ child: { n: -1 } }))).toEqual([
      { path: 'inputs.child.n', message: 'must be positive' },
    ])
  })
})
