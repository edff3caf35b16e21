import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { buildSpec, input, namespace, output } from '../../lib/ports/index.js'
import { tutorialSpec } from './fixtures.js'
import { errorsOf, valueOf } from './helpers.js'

describe('PortNamespace.parse (validation)', () => {
  it('collects every error, each with its dotted path and reason', () => {
    const errors = errorsOf(tutorialSpec().inputs.parse({ input1: 3, input2: {}, extra: true }))
    expect(errors).toEqual([
      { path: 'inputs.input1', message: 'expected string, got 3' },
      { path: 'inputs.input2.input2a', message: 'required value was not provided' },
      { path: 'inputs.extra', message: 'unexpected key (namespace is not dynamic)' },
    ])
  })

  it('checks the declared ports first, then the leftover keys, in that order', () => {
    const spec = buildSpec({ inputs: { a: input(t.string), b: input(t.number) } })
    const errors = errorsOf(spec.inputs.parse({ zz: 1, b: 'x', a: 1 }))
    expect(errors.map((error) => error.path)).toEqual(['inputs.a', 'inputs.b', 'inputs.zz'])
  })

  it('runs the namespace validator last, with all the values, defaults and dynamic ones included', () => {
    const seen: unknown[] = []
    const spec = buildSpec({
      inputs: {
        sub: namespace(
          { a: input(t.number), b: input(t.number, { default: 2 }) },
          {
            valueType: t.number,
            validator: (values) => {
              seen.push(values)
              return undefined
            },
          },
        ),
      },
    })
    expect(valueOf(spec.inputs.parse({ sub: { a: 1, extra: 3 } }))).toEqual({
      sub: { a: 1, b: 2, extra: 3 },
    })
    expect(seen).toEqual([{ a: 1, b: 2, extra: 3 }])
  })

  it('reports the message of a namespace validator at the namespace path', () => {
    const spec = buildSpec({
      inputs: {
        range: namespace(
          { low: input(t.number), high: input(t.number) },
          { validator: ({ low, high }) => (low <= high ? undefined : 'low must not exceed high') },
        ),
      },
    })
    expect(errorsOf(spec.inputs.parse({ range: { low: 2, high: 1 } }))).toEqual([
      { path: 'inputs.range', message: 'low must not exceed high' },
    ])
  })

  it('does not run a namespace validator when something inside the namespace failed', () => {
    let calls = 0
    const spec = buildSpec({
      inputs: {
        sub: namespace(
          { a: input(t.number) },
          {
            validator: () => {
              calls += 1
              return 'never seen'
            },
          },
        ),
      },
    })
    expect(errorsOf(spec.inputs.parse({ sub: { a: 'x' } }))).toEqual([
      { path: 'inputs.sub.a', message: 'expected number, got "x"' },
    ])
    expect(calls).toBe(0)
  })

  it('runs a port validator only on a value its codec accepted', () => {
    let calls = 0
    const spec = buildSpec({
      inputs: {
        x: input(t.number, {
          validator: (value) => {
            calls += 1
            return value > 0 ? undefined : 'must be positive'
          },
        }),
      },
    })
    expect(errorsOf(spec.inputs.parse({ x: -1 }))).toEqual([
      { path: 'inputs.x', message: 'must be positive' },
    ])
    expect(errorsOf(spec.inputs.parse({ x: 'a' }))).toEqual([
      { path: 'inputs.x', message: 'expected number, got "a"' },
    ])
    expect(calls).toBe(1)
  })

  it('reports a validator that throws instead of throwing', () => {
    const spec = buildSpec({
      inputs: {
        x: input(t.number, {
          validator: () => {
            throw new Error('boom')
          },
        }),
      },
    })
    expect(errorsOf(spec.inputs.parse({ x: 1 }))).toEqual([
      { path: 'inputs.x', message: 'validator threw: boom' },
    ])
  })

  it('skips an absent optional namespace entirely, its validator included', () => {
    let calls = 0
    const spec = buildSpec({
      inputs: {
        sub: namespace(
          { x: input(t.number) },
          {
            required: false,
            validator: () => {
              calls += 1
              return undefined
            },
          },
        ),
      },
    })
    expect(valueOf(spec.inputs.parse({}))).toEqual({})
    expect(calls).toBe(0)
    expect(errorsOf(spec.inputs.parse({ sub: {} }))).toEqual([
      { path: 'inputs.sub.x', message: 'required value was not provided' },
    ])
  })

  it('validates an absent required namespace as empty, so that its required ports report', () => {
    const spec = buildSpec({ inputs: { 'sub.deeper.x': input(t.number) } })
    expect(errorsOf(spec.inputs.parse({}))).toEqual([
      { path: 'inputs.sub.deeper.x', message: 'required value was not provided' },
    ])
  })

  it('rejects a namespace given something that is not an object', () => {
    const spec = tutorialSpec()
    expect(errorsOf(spec.inputs.parse({ input1: 'a', input2: [1] }))).toEqual([
      { path: 'inputs.input2', message: 'expected an object, got [1]' },
    ])
    expect(errorsOf(spec.inputs.parse(3))).toEqual([
      { path: 'inputs', message: 'expected an object, got 3' },
    ])
  })

  it('accepts any undeclared value in a dynamic namespace without a value type', () => {
    const spec = buildSpec({ inputs: { dyn: namespace({}, { dynamic: true }) } })
    expect(valueOf(spec.inputs.parse({ dyn: { a: 1, b: { c: 'x' } } }))).toEqual({
      dyn: { a: 1, b: { c: 'x' } },
    })
  })

  it('checks dynamic values against the value type, recursively through nested objects', () => {
    const spec = buildSpec({ inputs: { dyn: namespace({}, { valueType: t.number }) } })
    expect(valueOf(spec.inputs.parse({ dyn: { a: 1, nested: { b: 2, c: { d: 3 } } } }))).toEqual({
      dyn: { a: 1, nested: { b: 2, c: { d: 3 } } },
    })
    expect(
      errorsOf(spec.inputs.parse({ dyn: { a: 'x', nested: { b: true, c: { d: 3 } } } })),
    ).toEqual([
      { path: 'inputs.dyn.a', message: 'expected number, got "x"' },
      { path: 'inputs.dyn.nested.b', message: 'expected number, got true' },
    ])
  })

  it('keeps a namespace with a value type dynamic even when told dynamic: false', () => {
    const spec = buildSpec({
      inputs: { dyn: namespace({}, { valueType: t.string, dynamic: false }) },
    })
    expect(spec.inputs.getPort('dyn')).toMatchObject({ dynamic: true })
    expect(valueOf(spec.inputs.parse({ dyn: { a: 'x' } }))).toEqual({ dyn: { a: 'x' } })
  })

  it('lets the declared ports of a dynamic namespace keep their own types', () => {
    const spec = buildSpec({
      inputs: { dyn: namespace({ label: input(t.string) }, { valueType: t.number }) },
    })
    expect(valueOf(spec.inputs.parse({ dyn: { label: 'x', n: 1 } }))).toEqual({
      dyn: { label: 'x', n: 1 },
    })
  })
})

describe('PortNamespace.validate', () => {
  it('validates outputs as they are, without filling defaults', () => {
    const spec = buildSpec({
      outputs: { result: output(t.number), extra: output(t.number, { default: 1 }) },
    })
    expect(errorsOf(spec.outputs.validate({ result: 1 }))).toEqual([])
    expect(errorsOf(spec.outputs.validate({}))).toEqual([
      { path: 'outputs.result', message: 'required value was not provided' },
    ])
  })

  it('reports missing required outputs of the tutorial spec with their paths', () => {
    expect(errorsOf(tutorialSpec().outputs.validate({ output2: { output2b: 1 } }))).toEqual([
      { path: 'outputs.output1', message: 'required value was not provided' },
      { path: 'outputs.output2.output2a', message: 'required value was not provided' },
    ])
  })

  it('validates nested outputs of a dynamic namespace', () => {
    const spec = buildSpec({ outputs: { dyn: namespace({}, { valueType: t.string }) } })
    expect(errorsOf(spec.outputs.validate({ dyn: { a: { b: 'x' } } }))).toEqual([])
    expect(errorsOf(spec.outputs.validate({ dyn: { a: { b: 1 } } }))).toEqual([
      { path: 'outputs.dyn.a.b', message: 'expected string, got 1' },
    ])
  })
})
