import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { buildSpec, namespace, output } from '../../lib/ports/index.js'
import { errorsOf, valueOf } from './helpers.js'

const spec = buildSpec({
  outputs: {
    result: output(t.number, {
      validator: (value) => (Number.isInteger(value) ? undefined : 'must be an integer'),
    }),
    'group.label': output(t.string),
    dyn: namespace({ fixed: output(t.boolean) }, { valueType: t.number }),
    anything: namespace({}, { dynamic: true }),
  },
})

describe('PortNamespace.checkOutput', () => {
  it('accepts a valid value for a declared port, as not dynamic', () => {
    expect(valueOf(spec.outputs.checkOutput('result', 3))).toEqual({ dynamic: false })
    expect(valueOf(spec.outputs.checkOutput('group.label', 'x'))).toEqual({ dynamic: false })
    expect(valueOf(spec.outputs.checkOutput('dyn.fixed', true))).toEqual({ dynamic: false })
  })

  it('rejects a value its declared port does not accept, with the reason', () => {
    expect(errorsOf(spec.outputs.checkOutput('result', 'x'))).toEqual([
      { path: 'outputs.result', message: 'expected number, got "x"' },
    ])
    expect(errorsOf(spec.outputs.checkOutput('result', 1.5))).toEqual([
      { path: 'outputs.result', message: 'must be an integer' },
    ])
  })

  it('checks an undeclared name under a dynamic namespace against its value type', () => {
    expect(valueOf(spec.outputs.checkOutput('dyn.extra', 2))).toEqual({ dynamic: true })
    expect(errorsOf(spec.outputs.checkOutput('dyn.extra', 'two'))).toEqual([
      { path: 'outputs.dyn.extra', message: 'expected number, got "two"' },
    ])
  })

  it('allows dotted names inside a dynamic namespace, as dynamic sub-namespaces', () => {
    expect(valueOf(spec.outputs.checkOutput('dyn.a.b.c', 1))).toEqual({ dynamic: true })
    expect(valueOf(spec.outputs.checkOutput('anything.a.b', { any: 'thing' }))).toEqual({
      dynamic: true,
    })
    expect(errorsOf(spec.outputs.checkOutput('dyn.a.b', true))).toEqual([
      { path: 'outputs.dyn.a.b', message: 'expected number, got true' },
    ])
  })

  it('rejects an unknown port in a namespace that is not dynamic', () => {
    expect(errorsOf(spec.outputs.checkOutput('nope', 1))).toEqual([
      { path: 'outputs.nope', message: 'unknown port (namespace is not dynamic)' },
    ])
    expect(errorsOf(spec.outputs.checkOutput('group.nope', 1))).toEqual([
      { path: 'outputs.group.nope', message: 'unknown port (namespace is not dynamic)' },
    ])
  })

  it('rejects a path that goes through a port, or has an empty segment', () => {
    expect(errorsOf(spec.outputs.checkOutput('result.x', 1))).toEqual([
      { path: 'outputs.result', message: 'is a port, not a namespace' },
    ])
    expect(errorsOf(spec.outputs.checkOutput('group..label', 'x'))).toEqual([
      { path: 'outputs.group..label', message: 'invalid port name (empty segment)' },
    ])
  })

  it('checks a whole object emitted to a declared namespace', () => {
    expect(valueOf(spec.outputs.checkOutput('group', { label: 'x' }))).toEqual({ dynamic: false })
    expect(errorsOf(spec.outputs.checkOutput('group', { label: 1 }))).toEqual([
      { path: 'outputs.group.label', message: 'expected string, got 1' },
    ])
  })

  it('rejects undefined, which could not be told apart from a missing output', () => {
    expect(errorsOf(spec.outputs.checkOutput('anything.x', undefined))).toEqual([
      { path: 'outputs.anything.x', message: 'an output value cannot be undefined' },
    ])
  })
})
