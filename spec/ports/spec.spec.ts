import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  buildSpec,
  input,
  namespace,
  output,
  PortNamespace,
  SpecError,
} from '../../lib/ports/index.js'
import { dottedTutorialSpec, tutorialSpec } from './fixtures.js'
import { errorsOf, valueOf } from './helpers.js'

/** The description of the tutorial's SpecProcess, with JSON-native values. */
const tutorialDescription = {
  inputs: {
    _attrs: { default: null, dynamic: false, help: null, required: true, valid_type: null },
    input1: { name: 'input1', required: true, valid_type: 'string', help: 'A help string' },
    input2: {
      _attrs: { default: null, dynamic: false, help: null, required: true, valid_type: null },
      input2a: { name: 'input2a', required: true },
      input2b: { name: 'input2b', required: false, default: 'default' },
    },
  },
  outputs: {
    _attrs: { default: null, dynamic: false, help: null, required: true, valid_type: null },
    output1: { name: 'output1', required: true },
    output2: {
      _attrs: { default: null, dynamic: false, help: null, required: true, valid_type: null },
      output2a: { name: 'output2a', required: true },
      output2b: { name: 'output2b', required: true },
    },
  },
}

describe('buildSpec', () => {
  it('builds root namespaces named inputs and outputs', () => {
    const spec = tutorialSpec()
    expect(spec.inputs).toBeInstanceOf(PortNamespace)
    expect(spec.inputs.path).toBe('inputs')
    expect(spec.outputs.path).toBe('outputs')
    expect(buildSpec({}).inputs.ports.size).toBe(0)
  })

  it('describes the tutorial SpecProcess as plumpy does, with JSON values', () => {
    expect(tutorialSpec().getDescription()).toEqual(tutorialDescription)
  })

  it('keeps the declaration order in the description', () => {
    const description = tutorialSpec().getDescription()
    expect(Object.keys(description.inputs)).toEqual(['_attrs', 'input1', 'input2'])
    expect(Object.keys(description.inputs['input1'] ?? {})).toEqual([
      'name',
      'required',
      'valid_type',
      'help',
    ])
  })

  it('serializes to its description with JSON.stringify', () => {
    const spec = tutorialSpec()
    expect(JSON.stringify(spec)).toBe(JSON.stringify(spec.getDescription()))
    expect(JSON.parse(JSON.stringify(spec))).toEqual(tutorialDescription)
  })

  it('creates the namespaces of dotted names, as the nested form does', () => {
    const spec = dottedTutorialSpec()
    expect(spec.getDescription()).toEqual(tutorialDescription)
    expect(spec.inputs.getPort('input2')).toBeInstanceOf(PortNamespace)
    expect(spec.inputs.getPort('input2.input2a')).toMatchObject({ path: 'inputs.input2.input2a' })
  })

  it('creates several levels of namespaces from one dotted name', () => {
    const spec = buildSpec({ inputs: { 'a.b.c': input(t.number) } })
    expect(spec.inputs.getPort('a.b')).toBeInstanceOf(PortNamespace)
    expect(errorsOf(spec.inputs.parse({}))).toEqual([
      { path: 'inputs.a.b.c', message: 'required value was not provided' },
    ])
  })

  it('adds dotted names to an explicit namespace, keeping its options', () => {
    const spec = buildSpec({
      inputs: {
        sub: namespace({ x: input() }, { help: 'a group', required: false }),
        'sub.y': input(t.number),
      },
    })
    const sub = spec.inputs.getPort('sub')
    expect(sub).toMatchObject({ help: 'a group', declaredRequired: false })
    expect(sub?._tag === 'PortNamespace' ? [...sub.ports.keys()] : []).toEqual(['x', 'y'])
  })

  it('rejects a dotted name that goes through a port', () => {
    expect(() => buildSpec({ inputs: { x: input(), 'x.y': input() } })).toThrow(SpecError)
    expect(() => buildSpec({ inputs: { x: input(), 'x.y': input() } })).toThrow(
      /inputs\.x: is a port/,
    )
  })

  it('rejects a port defined twice, by a dotted name and in its namespace', () => {
    expect(() =>
      buildSpec({ inputs: { sub: namespace({ x: input() }), 'sub.x': input() } }),
    ).toThrow('inputs.sub.x: defined twice')
  })

  it('rejects empty name segments and the reserved name _attrs', () => {
    expect(() => buildSpec({ inputs: { 'a..b': input() } })).toThrow(/invalid port name/)
    expect(() => buildSpec({ outputs: { _attrs: output() } })).toThrow(
      'outputs._attrs: the name is reserved',
    )
  })

  it('rejects a field that is not a descriptor, naming it', () => {
    const fields = { x: t.number } as unknown as Record<string, ReturnType<typeof input>>
    expect(() => buildSpec({ inputs: fields })).toThrow(/inputs\.x: not a port or a namespace/)
  })

  it('validates a default value when the spec is built, naming the port', () => {
    expect(() =>
      buildSpec({ inputs: { sub: namespace({ x: input(t.number, { default: 'a' as never }) }) } }),
    ).toThrow(new SpecError('inputs.sub.x: invalid default: expected number, got "a"'))
  })

  it('runs the port validator on a default when the spec is built', () => {
    expect(() =>
      buildSpec({
        inputs: {
          x: input(t.number, {
            default: -1,
            validator: (value) => (value < 0 ? 'must not be negative' : undefined),
          }),
        },
      }),
    ).toThrow('inputs.x: invalid default: must not be negative')
  })

  it('validates a namespace default when the spec is built', () => {
    expect(() =>
      buildSpec({
        inputs: { sub: namespace({ x: input(t.number) }, { default: { x: 'no' as never } }) },
      }),
    ).toThrow('inputs.sub: invalid default: inputs.sub.x: expected number, got "no"')
  })

  it('does not call a lazy default when the spec is built', () => {
    let calls = 0
    buildSpec({
      inputs: {
        x: input(t.number, {
          default: () => {
            calls += 1
            return 1
          },
        }),
      },
    })
    expect(calls).toBe(0)
  })

  it('gives the root namespaces the options given for them', () => {
    const spec = buildSpec({
      inputs: { x: input(t.number) },
      inputsOptions: { dynamic: true, help: 'all inputs' },
    })
    expect(spec.inputs).toMatchObject({ dynamic: true, help: 'all inputs' })
    expect(valueOf(spec.inputs.parse({ x: 1, extra: 'ok' }))).toEqual({ x: 1, extra: 'ok' })
  })

  it('builds exit codes with their labels, and describes them', () => {
    const spec = buildSpec({
      exitCodes: { ERROR_NEGATIVE: { status: 300, message: 'the number is negative' } },
    })
    expect(spec.exitCodes.ERROR_NEGATIVE).toEqual({
      label: 'ERROR_NEGATIVE',
      status: 300,
      message: 'the number is negative',
    })
    expect(spec.getDescription().exit_codes).toEqual({
      ERROR_NEGATIVE: { status: 300, message: 'the number is negative' },
    })
    expect(tutorialSpec().getDescription()).not.toHaveProperty('exit_codes')
  })

  it('rejects an exit code with a bad or repeated status', () => {
    expect(() => buildSpec({ exitCodes: { BAD: { status: -1, message: 'x' } } })).toThrow(
      'exitCodes.BAD: status must be a non-negative integer, got -1',
    )
    expect(() => buildSpec({ exitCodes: { BAD: { status: 1.5, message: 'x' } } })).toThrow(
      SpecError,
    )
    expect(() =>
      buildSpec({
        exitCodes: { FIRST: { status: 400, message: 'a' }, SECOND: { status: 400, message: 'b' } },
      }),
    ).toThrow('exitCodes.SECOND: status 400 is already used by FIRST')
  })

  it('returns a frozen spec', () => {
    const spec = tutorialSpec()
    expect(Object.isFrozen(spec)).toBe(true)
    expect(Object.isFrozen(spec.inputs)).toBe(true)
    expect(Object.isFrozen(spec.inputs.getPort('input1'))).toBe(true)
  })
})
