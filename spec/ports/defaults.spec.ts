import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { buildSpec, input, namespace } from '../../lib/ports/index.js'
import { tutorialSpec } from './fixtures.js'
import { errorsOf, valueOf } from './helpers.js'

describe('PortNamespace.parse (defaults)', () => {
  it('fills the tutorial default', () => {
    const parsed = tutorialSpec().inputs.parse({
      input1: 'my input',
      input2: { input2a: 'other input' },
    })
    expect(valueOf(parsed)).toEqual({
      input1: 'my input',
      input2: { input2a: 'other input', input2b: 'default' },
    })
  })

  it('keeps a value given for a port with a default', () => {
    const spec = buildSpec({ inputs: { x: input(t.number, { default: 1 }) } })
    expect(valueOf(spec.inputs.parse({ x: 5 }))).toEqual({ x: 5 })
  })

  it('treats an explicit undefined as absent', () => {
    const spec = buildSpec({ inputs: { x: input(t.number, { default: 1 }), y: input() } })
    expect(valueOf(spec.inputs.parse({ x: undefined, y: 2 }))).toEqual({ x: 1, y: 2 })
    expect(errorsOf(spec.inputs.parse({ y: undefined }))).toEqual([
      { path: 'inputs.y', message: 'required value was not provided' },
    ])
  })

  it('calls a lazy default at each parse, and gives each parse its own value', () => {
    let calls = 0
    const spec = buildSpec({
      inputs: {
        items: input(t.array(t.number), {
          default: () => {
            calls += 1
            return [calls]
          },
        }),
      },
    })
    const first = valueOf(spec.inputs.parse({}))
    const second = valueOf(spec.inputs.parse({}))
    expect(calls).toBe(2)
    expect(first).toEqual({ items: [1] })
    expect(second).toEqual({ items: [2] })
  })

  it('validates the value of a lazy default at parse time', () => {
    const spec = buildSpec({ inputs: { x: input(t.number, { default: () => 'a' as never }) } })
    expect(errorsOf(spec.inputs.parse({}))).toEqual([
      { path: 'inputs.x', message: 'expected number, got "a"' },
    ])
  })

  it('reports a lazy default that throws as an error of its port', () => {
    const spec = buildSpec({
      inputs: {
        x: input(t.number, {
          default: () => {
            throw new Error('no clock here')
          },
        }),
      },
    })
    expect(errorsOf(spec.inputs.parse({}))).toEqual([
      { path: 'inputs.x', message: 'default threw: no clock here' },
    ])
  })

  it('fills a required namespace that was not supplied', () => {
    const spec = buildSpec({ inputs: { sub: namespace({ x: input(t.number, { default: 1 }) }) } })
    expect(valueOf(spec.inputs.parse({}))).toEqual({ sub: { x: 1 } })
    const empty = buildSpec({
      inputs: { sub: namespace({ x: input(t.number, { required: false }) }) },
    })
    expect(valueOf(empty.inputs.parse({}))).toEqual({ sub: {} })
  })

  it('leaves out an optional namespace that was not supplied and holds no default', () => {
    const spec = buildSpec({
      inputs: { sub: namespace({ x: input(t.number, { required: false }) }, { required: false }) },
    })
    expect(valueOf(spec.inputs.parse({}))).toEqual({})
  })

  it('fills an optional namespace that holds a default, however deep', () => {
    const spec = buildSpec({
      inputs: {
        sub: namespace(
          { 'deeper.x': input(t.number, { default: 1 }), y: input(t.number, { required: false }) },
          { required: false },
        ),
      },
    })
    expect(valueOf(spec.inputs.parse({}))).toEqual({ sub: { deeper: { x: 1 } } })
  })

  it('uses the default of a namespace, and fills its ports inside it', () => {
    const spec = buildSpec({
      inputs: {
        sub: namespace(
          { x: input(t.number), y: input(t.number, { default: 2 }) },
          { default: { x: 1 } },
        ),
      },
    })
    expect(valueOf(spec.inputs.parse({}))).toEqual({ sub: { x: 1, y: 2 } })
    expect(valueOf(spec.inputs.parse({ sub: { x: 5 } }))).toEqual({ sub: { x: 5, y: 2 } })
  })

  it('keeps an absent namespace absent when populateDefaults is false', () => {
    const spec = buildSpec({
      inputs: {
        sub: namespace(
          { x: input(t.number, { default: 1 }) },
          { populateDefaults: false, default: { x: 3 } },
        ),
      },
    })
    expect(valueOf(spec.inputs.parse({}))).toEqual({})
    expect(valueOf(spec.inputs.parse({ sub: {} }))).toEqual({ sub: { x: 1 } })
  })

  it('still reports the required ports of an absent namespace with populateDefaults false', () => {
    const spec = buildSpec({
      inputs: { sub: namespace({ x: input(t.number) }, { populateDefaults: false }) },
    })
    expect(errorsOf(spec.inputs.parse({}))).toEqual([
      { path: 'inputs.sub.x', message: 'required value was not provided' },
    ])
  })
})
