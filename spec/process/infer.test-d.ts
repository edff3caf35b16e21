/**
 * Type tests: what TypeScript infers from a spec through `defineProcess` — the inputs a step sees,
 * the outputs `out` accepts, what `create` asks for and what `execute` resolves to.
 */
import * as t from 'io-ts'
import { describe, expectTypeOf, it } from 'vitest'
import { out } from '../../lib/commands/index.js'
import { input, namespace, output } from '../../lib/ports/index.js'
import type { InputsOfDefinition, OutputsOfDefinition } from '../../lib/process/definition.js'
import { defineProcess } from '../../lib/runtime/define.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'

type ExpectedInputs = {
  readonly x: number
  readonly withDefault: string
  readonly maybe?: boolean
  readonly sub: { readonly a: string; readonly b: number }
  readonly dotted: { readonly c: number }
}

type ExpectedOutputs = {
  readonly y: number
  readonly opt?: string
  readonly nested: { readonly z: boolean }
}

const Typed = defineProcess({
  name: 'Typed',
  spec: {
    inputs: {
      x: input(t.number),
      withDefault: input(t.string, { default: 'd' }),
      maybe: input(t.boolean, { required: false }),
      sub: namespace({ a: input(t.string), b: input(t.number, { default: 1 }) }),
      'dotted.c': input(t.number),
    },
    outputs: {
      y: output(t.number),
      opt: output(t.string, { required: false }),
      nested: namespace({ z: output(t.boolean) }),
    },
  },
  steps: {
    *run(_ctx, { inputs }) {
      expectTypeOf(inputs).toEqualTypeOf<ExpectedInputs>()
      expectTypeOf(inputs.withDefault).toEqualTypeOf<string>()
      expectTypeOf(inputs.sub.b).toEqualTypeOf<number>()
      yield* out('y', inputs.x)
      yield* out('opt', inputs.withDefault)
      yield* out('nested.z', true)
    },
  },
})

const AllOptional = defineProcess({
  name: 'AllOptional',
  spec: {
    inputs: { n: input(t.number, { default: 3 }), label: input(t.string, { required: false }) },
  },
  steps: {
    run(_ctx, { inputs }) {
      expectTypeOf(inputs).toEqualTypeOf<{ readonly n: number; readonly label?: string }>()
    },
  },
})

const Dynamic = defineProcess({
  name: 'Dynamic',
  spec: { outputs: { fixed: output(t.string), extra: namespace({}, { valueType: t.number }) } },
  steps: {
    *run() {
      yield* out('fixed', 'f')
      yield* out('extra.anything', 1)
    },
  },
})

describe('defineProcess type inference', () => {
  it('infers the parsed inputs: defaults present, optional ports optional, namespaces nested', () => {
    expectTypeOf<InputsOfDefinition<typeof Typed>>().toEqualTypeOf<ExpectedInputs>()
  })

  it('infers the outputs from the spec', () => {
    expectTypeOf<OutputsOfDefinition<typeof Typed>>().toEqualTypeOf<ExpectedOutputs>()
  })

  it('requires the required inputs in create', () => {
    const ok = { x: 1, sub: { a: 'a' }, dotted: { c: 2 } }
    expectTypeOf(Typed.create(ok)).toExtend<ProcessHandle<ExpectedInputs, ExpectedOutputs>>()
    // @ts-expect-error inputs are required
    Typed.create()
    // @ts-expect-error x is missing
    Typed.create({ sub: { a: 'a' }, dotted: { c: 2 } })
    // @ts-expect-error x has the wrong type
    Typed.create({ ...ok, x: 'one' })
    // @ts-expect-error a required port inside a namespace is missing
    Typed.create({ x: 1, sub: {}, dotted: { c: 2 } })
  })

  it('lets create omit the inputs when all are optional', () => {
    AllOptional.create()
    AllOptional.create({})
    AllOptional.create({ n: 1 })
    // @ts-expect-error n has the wrong type
    AllOptional.create({ n: 'one' })
  })

  it('resolves execute() to the outputs type', () => {
    const proc = Typed.create({ x: 1, sub: { a: 'a' }, dotted: { c: 2 } })
    expectTypeOf(proc.execute()).resolves.toEqualTypeOf<ExpectedOutputs>()
    expectTypeOf(proc.outputs).toEqualTypeOf<Readonly<Partial<ExpectedOutputs>>>()
  })

  it('types the outputs of a dynamic namespace with its value type', () => {
    const outputs = Dynamic.create().execute()
    expectTypeOf(outputs).resolves.toHaveProperty('fixed').toEqualTypeOf<string>()
    expectTypeOf<NonNullable<OutputsOfDefinition<typeof Dynamic>['extra']>>().toExtend<{
      readonly [key: string]: number | undefined
    }>()
  })
})
