import type * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expectTypeOf, it } from 'vitest'
import {
  buildSpec,
  expose,
  input,
  namespace,
  output,
  type InputsOf,
  type OutputPath,
  type OutputsOf,
  type OutputValue,
  type OutputValues,
  type RawInputsOf,
  type ValidationError,
} from '../../lib/ports/index.js'

// Readers that take the definitions as values, so the test reads "inputsOf(fields)".
const inputsOf = <F>(_fields: F) => expectTypeOf<InputsOf<F>>()
const rawInputsOf = <F>(_fields: F) => expectTypeOf<RawInputsOf<F>>()
const outputsOf = <F>(_fields: F) => expectTypeOf<OutputsOf<F>>()
const outputPathOf = <F>(_fields: F) => expectTypeOf<OutputPath<F>>()
const outputValueOf = <F, const P extends string>(_fields: F, _path: P) =>
  expectTypeOf<OutputValue<F, P>>()

/** The tutorial's SpecProcess, nested form. */
const tutorialInputs = {
  input1: input(t.string, { help: 'A help string' }),
  input2: namespace({ input2a: input(), input2b: input(t.unknown, { default: 'default' }) }),
}
const tutorialOutputs = {
  output1: output(),
  output2: namespace({ output2a: output(), output2b: output() }),
}
/** The same, dotted form. */
const dottedInputs = {
  input1: input(t.string, { help: 'A help string' }),
  'input2.input2a': input(),
  'input2.input2b': input(t.unknown, { default: 'default' }),
}
const dottedOutputs = {
  output1: output(),
  'output2.output2a': output(),
  'output2.output2b': output(),
}

type TutorialInputs = {
  readonly input1: string
  readonly input2: { readonly input2a: unknown; readonly input2b: unknown }
}

describe('InputsOf', () => {
  it('gives the parsed inputs of the tutorial spec, nested or dotted', () => {
    inputsOf(tutorialInputs).toEqualTypeOf<TutorialInputs>()
    inputsOf(dottedInputs).toEqualTypeOf<TutorialInputs>()
  })

  it('makes ports with a default present, and optional ports without one optional', () => {
    const fields = {
      withDefault: input(t.number, { default: 1 }),
      lazy: input(t.number, { default: () => 2 }),
      optional: input(t.string, { required: false }),
      optionalWithDefault: input(t.string, { required: false, default: 'x' }),
      required: input(t.boolean),
    }
    inputsOf(fields).toEqualTypeOf<{
      readonly withDefault: number
      readonly lazy: number
      readonly optional?: string
      readonly optionalWithDefault: string
      readonly required: boolean
    }>()
  })

  it('is deeply readonly', () => {
    const fields = { items: input(t.array(t.type({ n: t.number }))) }
    inputsOf(fields).toEqualTypeOf<{
      readonly items: ReadonlyArray<{ readonly n: number }>
    }>()
  })

  it('adds an index signature of the value type for a dynamic namespace', () => {
    const fields = {
      dyn: namespace({}, { valueType: t.number }),
      open: namespace({}, { dynamic: true }),
    }
    inputsOf(fields)
      .toHaveProperty('dyn')
      .toHaveProperty('anything')
      .toEqualTypeOf<number | undefined>()
    inputsOf(fields).toHaveProperty('open').toHaveProperty('anything').toEqualTypeOf<unknown>()
  })

  it('keeps the declared ports of a dynamic namespace with their own types', () => {
    const fields = { dyn: namespace({ label: input(t.string) }, { valueType: t.number }) }
    inputsOf(fields).toHaveProperty('dyn').toHaveProperty('label').toEqualTypeOf<string>()
    inputsOf(fields)
      .toHaveProperty('dyn')
      .toHaveProperty('other')
      .toEqualTypeOf<string | number | undefined>()
  })

  it('makes an optional namespace present only when it holds a default', () => {
    const fields = {
      empty: namespace({ x: input(t.number, { required: false }) }, { required: false }),
      holding: namespace({ x: input(t.number, { default: 1 }) }, { required: false }),
      required: namespace({ x: input(t.number, { required: false }) }),
      unpopulated: namespace({ x: input(t.number, { default: 1 }) }, { populateDefaults: false }),
    }
    inputsOf(fields).toEqualTypeOf<{
      readonly empty?: { readonly x?: number }
      readonly holding: { readonly x: number }
      readonly required: { readonly x?: number }
      readonly unpopulated?: { readonly x: number }
    }>()
  })

  it('reads the root options of a spec: a dynamic root adds an index signature', () => {
    const spec = buildSpec({
      inputs: { x: input(t.number) },
      inputsOptions: { valueType: t.string },
    })
    inputsOf(spec.inputs.definition).toHaveProperty('x').toEqualTypeOf<number>()
    inputsOf(spec.inputs.definition)
      .toHaveProperty('other')
      .toEqualTypeOf<string | number | undefined>()
  })

  it('types what parse returns', () => {
    const spec = buildSpec({ inputs: tutorialInputs })
    expectTypeOf(spec.inputs.parse({})).toEqualTypeOf<E.Either<ValidationError[], TutorialInputs>>()
  })

  it('types the values a namespace validator and a port validator see', () => {
    namespace(
      { low: input(t.number), high: input(t.number, { required: false }) },
      {
        validator: (values) => {
          expectTypeOf(values).toEqualTypeOf<{ readonly low: number; readonly high?: number }>()
          return undefined
        },
      },
    )
    input(t.array(t.string), {
      validator: (value) => {
        expectTypeOf(value).toEqualTypeOf<string[]>()
        return undefined
      },
    })
  })

  it('rejects a default of the wrong type', () => {
    // @ts-expect-error a number port cannot default to a string
    input(t.number, { default: 'one' })
    // @ts-expect-error nor lazily
    input(t.number, { default: () => 'one' })
  })
})

describe('RawInputsOf', () => {
  it('makes ports with a default and namespaces with nothing required optional', () => {
    rawInputsOf(tutorialInputs).toEqualTypeOf<{
      readonly input1: string
      readonly input2: { readonly input2a: unknown; readonly input2b?: unknown }
    }>()
    rawInputsOf(dottedInputs).toEqualTypeOf<RawInputsOf<typeof tutorialInputs>>()
    const fields = {
      sub: namespace({ x: input(t.number, { default: 1 }) }),
      off: namespace({ x: input(t.number) }, { required: false }),
    }
    rawInputsOf(fields).toEqualTypeOf<{
      readonly sub?: { readonly x?: number }
      readonly off?: { readonly x: number }
    }>()
  })

  it('accepts the tutorial inputs and rejects a missing required one', () => {
    const ok: RawInputsOf<typeof tutorialInputs> = {
      input1: 'my input',
      input2: { input2a: 'other input' },
    }
    expectTypeOf(ok.input1).toEqualTypeOf<string>()
    // @ts-expect-error input1 is required
    const missing: RawInputsOf<typeof tutorialInputs> = { input2: { input2a: 'x' } }
    expectTypeOf(missing).not.toBeNever()
  })

  it('uses the encoded form of a transforming codec', () => {
    const fields = {
      n: input(
        t.string.pipe(
          new t.Type<number, string, string>(
            'NumberFromString',
            (u): u is number => typeof u === 'number',
            (s, c) => (Number.isNaN(Number(s)) ? t.failure(s, c) : t.success(Number(s))),
            String,
          ),
        ),
      ),
    }
    rawInputsOf(fields).toEqualTypeOf<{ readonly n: string }>()
    inputsOf(fields).toEqualTypeOf<{ readonly n: number }>()
  })
})

describe('OutputsOf', () => {
  it('gives the outputs, optional where not required', () => {
    const fields = { ...tutorialOutputs, extra: output(t.number, { required: false }) }
    outputsOf(fields).toEqualTypeOf<{
      readonly output1: unknown
      readonly output2: { readonly output2a: unknown; readonly output2b: unknown }
      readonly extra?: number
    }>()
  })
})

describe('OutputPath', () => {
  it('lists the dotted paths of the output ports, nested or dotted', () => {
    type Expected = 'output1' | 'output2.output2a' | 'output2.output2b'
    outputPathOf(tutorialOutputs).toEqualTypeOf<Expected>()
    outputPathOf(dottedOutputs).toEqualTypeOf<Expected>()
  })

  it('widens to any string under a dynamic namespace', () => {
    const fields = { result: output(t.number), dyn: namespace({}, { valueType: t.string }) }
    outputPathOf(fields).toEqualTypeOf<'result' | `dyn.${string}`>()
    const spec = buildSpec({ outputs: fields, outputsOptions: { dynamic: true } })
    outputPathOf(spec.outputs.definition).toEqualTypeOf<string>()
  })
})

describe('OutputPath by kind', () => {
  it('splits the declared ports from the patterns of dynamic namespaces', () => {
    const fields = { result: output(t.number), dyn: namespace({}, { valueType: t.string }) }
    expectTypeOf<OutputPath<typeof fields, 'declared'>>().toEqualTypeOf<'result'>()
    expectTypeOf<OutputPath<typeof fields, 'dynamic'>>().toEqualTypeOf<`dyn.${string}`>()
    const _spec = buildSpec({ outputs: fields, outputsOptions: { dynamic: true } })
    expectTypeOf<
      OutputPath<typeof _spec.outputs.definition, 'declared'>
    >().toEqualTypeOf<'result'>()
    expectTypeOf<OutputPath<typeof _spec.outputs.definition, 'dynamic'>>().toEqualTypeOf<
      string | `dyn.${string}`
    >()
  })
})

describe('OutputValues', () => {
  it('maps declared paths to their types and dynamic paths to the value type', () => {
    const _fields = {
      y: output(t.number),
      'group.label': output(t.string),
      extra: namespace({}, { valueType: t.number }),
    }
    type M = OutputValues<typeof _fields>
    expectTypeOf<M['y']>().toEqualTypeOf<number>()
    expectTypeOf<M['group.label']>().toEqualTypeOf<string>()
    expectTypeOf<M['extra.anything']>().toEqualTypeOf<number>()
    expectTypeOf<M['extra.a.b']>().toEqualTypeOf<number>()
    expectTypeOf<keyof M>().toEqualTypeOf<'y' | 'group.label' | `extra.${string}`>()
  })

  it('keeps the declared ports typed under a dynamic root', () => {
    const _spec = buildSpec({
      outputs: { y: output(t.number) },
      outputsOptions: { valueType: t.string },
    })
    type M = OutputValues<typeof _spec.outputs.definition>
    expectTypeOf<M['y']>().toEqualTypeOf<number>()
    expectTypeOf<M['anything']>().toEqualTypeOf<string>()
  })
})

describe('OutputValue', () => {
  it('gives the value type at a path, dynamic ones included', () => {
    const fields = {
      result: output(t.number),
      'group.label': output(t.string),
      dyn: namespace({}, { valueType: t.boolean }),
    }
    outputValueOf(fields, 'result').toEqualTypeOf<number>()
    outputValueOf(fields, 'group.label').toEqualTypeOf<string>()
    outputValueOf(fields, 'dyn.a.b').toEqualTypeOf<boolean>()
    outputValueOf(fields, 'nope').toBeNever()
  })
})

describe('expose', () => {
  const child = buildSpec({
    inputs: {
      x: input(t.number),
      y: input(t.number, { default: 2 }),
      sub: namespace({ a: input(t.string), b: input(t.string, { required: false }) }),
    },
  })

  it('carries the types of the exposed ports at the top level', () => {
    const fields = { ...expose(child), z: input(t.boolean) }
    inputsOf(fields).toEqualTypeOf<{
      readonly x: number
      readonly y: number
      readonly sub: { readonly a: string; readonly b?: string }
      readonly z: boolean
    }>()
  })

  it('carries them under a nested namespace, with the namespace options', () => {
    const fields = expose(child, { namespace: 'wrap.child', namespaceOptions: { required: false } })
    rawInputsOf(fields).toEqualTypeOf<{
      readonly wrap?: {
        readonly child?: {
          readonly x: number
          readonly y?: number
          readonly sub: { readonly a: string; readonly b?: string }
        }
      }
    }>()
  })

  it('follows literal include and exclude rules, nested ones included', () => {
    const included = expose(child, { include: ['x', 'sub.b'] })
    inputsOf(included).toEqualTypeOf<{
      readonly x: number
      readonly sub: { readonly b?: string }
    }>()
    const excluded = expose(child, { exclude: ['y', 'sub.a'] })
    inputsOf(excluded).toEqualTypeOf<{
      readonly x: number
      readonly sub: { readonly b?: string }
    }>()
  })
})

describe('expose: the properties of the source namespace', () => {
  const dynamicChild = buildSpec({
    inputs: { x: input(t.number) },
    inputsOptions: { valueType: t.string, default: { x: 1 } },
  })

  it('go onto the namespace the fields are spread into, at the top level', () => {
    const parent = buildSpec({ inputs: { ...expose(dynamicChild), z: input(t.boolean) } })
    inputsOf(parent.inputs.definition).toHaveProperty('x').toEqualTypeOf<number>()
    inputsOf(parent.inputs.definition)
      .toHaveProperty('other')
      .toEqualTypeOf<string | number | boolean | undefined>()
  })

  it('go onto a namespace built from the spread fields, under its own options', () => {
    const fields = { sub: namespace({ ...expose(dynamicChild) }) }
    rawInputsOf(fields).toEqualTypeOf<{
      readonly sub?: { readonly x: number; readonly [key: string]: string | number | undefined }
    }>()
    const own = { sub: namespace({ ...expose(dynamicChild) }, { valueType: t.boolean }) }
    inputsOf(own)
      .toHaveProperty('sub')
      .toHaveProperty('other')
      .toEqualTypeOf<number | boolean | undefined>()
  })

  it('can be cleared by namespaceOptions, which the types follow', () => {
    const cleared = expose(dynamicChild, {
      namespace: 'child',
      namespaceOptions: { valueType: undefined, default: undefined, help: undefined },
    })
    rawInputsOf(cleared).toEqualTypeOf<{ readonly child: { readonly x: number } }>()
    const top = buildSpec({
      inputs: expose(dynamicChild, { namespaceOptions: { valueType: undefined } }),
    })
    inputsOf(top.inputs.definition).toEqualTypeOf<{ readonly x: number }>()
    expose(dynamicChild, { namespaceOptions: { validator: undefined } })
  })

  it('refuses to clear a boolean property, and an unknown option', () => {
    // @ts-expect-error required is a boolean: say false
    expose(dynamicChild, { namespace: 'c', namespaceOptions: { required: undefined } })
    // @ts-expect-error dynamic is a boolean
    expose(dynamicChild, { namespace: 'c', namespaceOptions: { dynamic: undefined } })
    // @ts-expect-error populateDefaults is a boolean
    expose(dynamicChild, { namespace: 'c', namespaceOptions: { populateDefaults: undefined } })
    // @ts-expect-error no such option
    expose(dynamicChild, { namespace: 'c', namespaceOptions: { requird: false } })
    // @ts-expect-error not even beside a real one
    expose(dynamicChild, { namespaceOptions: { help: 'h', requird: false } })
  })
})
