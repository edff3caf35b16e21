/**
 * `expose` and the properties of the source namespace (plumpy's `absorb`): where they go, how
 * `namespaceOptions` override or clear them, and what a namespace validator sees of the ports.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  buildSpec,
  expose,
  input,
  namespace,
  SpecError,
  type ExposeNamespaceOptions,
  type NamespaceInfo,
} from '../../lib/ports/index.js'
import { errorsOf, valueOf } from './helpers.js'

/** Says what is wrong with x and y together, when the namespace still has a port y. */
const xBelowY = (values: Readonly<Record<string, unknown>>, namespace: NamespaceInfo) => {
  if (namespace.getPort('y') === undefined) return undefined // y left out: nothing to compare
  return (values.x as number) < (values.y as number) ? undefined : 'x must be below y'
}

const child = () =>
  buildSpec({
    inputs: { x: input(t.number), y: input(t.number, { default: 10 }) },
    inputsOptions: {
      help: 'the child inputs',
      validator: xBelowY,
      valueType: t.string,
      default: { x: 1 },
    },
  })

describe('expose at the top level', () => {
  it("copies the source namespace's properties onto the inputs it is spread into", () => {
    const parent = buildSpec({
      inputs: { ...expose(child()), z: input(t.boolean, { default: false }) },
    })
    expect(parent.inputs).toMatchObject({
      help: 'the child inputs',
      validator: xBelowY,
      dynamic: true,
      valueType: t.string,
      default: { _tag: 'ValueDefault', value: { x: 1 } },
      required: false,
    })
    expect(valueOf(parent.inputs.parse({ x: 1, z: true, note: 'a string' }))).toEqual({
      x: 1,
      y: 10,
      z: true,
      note: 'a string',
    })
    expect(errorsOf(parent.inputs.parse({ x: 20, z: true, note: 3 }))).toEqual([
      { path: 'inputs.note', message: 'expected string, got 3' },
    ])
    expect(errorsOf(parent.inputs.parse({ x: 20, z: true }))).toEqual([
      { path: 'inputs', message: 'x must be below y' },
    ])
  })

  it('describes the parent inputs as the source inputs', () => {
    const parent = buildSpec({ inputs: expose(child()) })
    expect(parent.getDescription().inputs).toEqual(child().getDescription().inputs)
  })

  it('lets the options of the receiving namespace win over the copied ones', () => {
    const parent = buildSpec({
      inputs: expose(child()),
      inputsOptions: { help: 'mine', valueType: t.number },
    })
    expect(parent.inputs).toMatchObject({ help: 'mine', valueType: t.number, validator: xBelowY })
    const nested = buildSpec({
      inputs: { sub: namespace({ ...expose(child()) }, { required: true, dynamic: false }) },
    })
    expect(nested.inputs.getPort('sub')).toMatchObject({
      help: 'the child inputs',
      declaredRequired: true,
      dynamic: true, // the copied value type still makes it dynamic
    })
  })

  it('applies namespaceOptions over the copied properties', () => {
    const parent = buildSpec({
      inputs: expose(child(), { namespaceOptions: { help: 'absorbed', required: true } }),
    })
    expect(parent.inputs).toMatchObject({ help: 'absorbed', declaredRequired: true })
  })
})

describe('namespaceOptions', () => {
  const cleared: ExposeNamespaceOptions = {
    default: undefined,
    valueType: undefined,
    help: undefined,
    validator: undefined,
  }

  it('clears copied properties given as undefined, under a namespace', () => {
    const parent = buildSpec({
      inputs: expose(child(), { namespace: 'child', namespaceOptions: cleared }),
    })
    const exposed = parent.inputs.getPort('child')
    expect(exposed).toMatchObject({
      help: undefined,
      validator: undefined,
      valueType: undefined,
      dynamic: false,
      default: { _tag: 'NoDefault' },
      required: true,
    })
    expect(errorsOf(parent.inputs.parse({ child: { x: 20, note: 'n' } }))).toEqual([
      { path: 'inputs.child.note', message: 'unexpected key (namespace is not dynamic)' },
    ])
  })

  it('clears them at the top level too', () => {
    const parent = buildSpec({ inputs: expose(child(), { namespaceOptions: cleared }) })
    expect(parent.inputs).toMatchObject({
      help: undefined,
      validator: undefined,
      valueType: undefined,
      dynamic: false,
      default: { _tag: 'NoDefault' },
    })
    expect(valueOf(parent.inputs.parse({ x: 20 }))).toEqual({ x: 20, y: 10 })
  })

  it('keeps a namespace dynamic after clearing the value type when the source said dynamic', () => {
    const source = buildSpec({ inputsOptions: { dynamic: true, valueType: t.string } })
    const parent = buildSpec({
      inputs: expose(source, { namespace: 'open', namespaceOptions: { valueType: undefined } }),
    })
    expect(parent.inputs.getPort('open')).toMatchObject({ dynamic: true, valueType: undefined })
  })

  it('refuses unknown keys at run time, naming the key', () => {
    const options = { namespace: 'child', namespaceOptions: { requird: false } }
    expect(() => expose(child(), options as never)).toThrow(
      new SpecError(
        "expose: unknown namespaceOptions key 'requird' (known: help, required, validator, " +
          'default, dynamic, valueType, populateDefaults)',
      ),
    )
    expect(() => expose(child(), { namespaceOptions: { requird: 1 } } as never)).toThrow(SpecError)
  })

  it('refuses to clear a property that is a boolean', () => {
    const options = { namespace: 'child', namespaceOptions: { required: undefined } }
    expect(() => expose(child(), options as never)).toThrow(
      'expose: namespaceOptions.required cannot be cleared with undefined ' +
        '(only help, validator, default, valueType can)',
    )
  })
})

describe('a namespace validator', () => {
  it('looks up the ports of its namespace by dotted path', () => {
    const seen: Array<string | undefined> = []
    const spec = buildSpec({
      inputs: {
        sub: namespace(
          { a: input(t.number), deeper: namespace({ b: input(t.string) }) },
          {
            validator: (_values, ns) => {
              seen.push(ns.path, ns.getPort('deeper.b')?.path, ns.getPort('nope')?.path)
              return undefined
            },
          },
        ),
      },
    })
    valueOf(spec.inputs.parse({ sub: { a: 1, deeper: { b: 'b' } } }))
    expect(seen).toEqual(['inputs.sub', 'inputs.sub.deeper.b', undefined])
  })

  it('sees a port that expose excluded as missing', () => {
    const whole = buildSpec({ inputs: expose(child(), { namespace: 'child' }) })
    expect(errorsOf(whole.inputs.parse({ child: { x: 20 } }))).toEqual([
      { path: 'inputs.child', message: 'x must be below y' },
    ])
    const withoutY = buildSpec({
      inputs: expose(child(), { namespace: 'child', exclude: ['y'] }),
    })
    expect(valueOf(withoutY.inputs.parse({ child: { x: 20 } }))).toEqual({ child: { x: 20 } })
    const topLevel = buildSpec({ inputs: expose(child(), { exclude: ['y'] }) })
    expect(valueOf(topLevel.inputs.parse({ x: 20 }))).toEqual({ x: 20 })
  })
})
