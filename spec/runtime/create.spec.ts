/**
 * Creating processes through `defineProcess(...).create(...)` on a runner: inputs are validated
 * (nothing is created when they are wrong), pids are generated or given.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { input, namespace, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { InvalidInputsError } from '../../lib/runtime/errors.js'
import { quietRunner, recordingListener } from './helpers.js'
import { out } from '../../lib/commands/index.js'

const doubleSpec = {
  inputs: {
    x: input(t.number),
    options: namespace({ factor: input(t.number, { default: 2 }), label: input(t.string) }),
  },
  outputs: { y: output(t.number) },
}

const Double = defineProcess({
  name: 'Double',
  spec: {
    inputs: {
      x: input(t.number),
      options: namespace({ factor: input(t.number, { default: 2 }), label: input(t.string) }),
    },
    outputs: { y: output(t.number) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      yield* out('y', inputs.x * inputs.options.factor)
      return `${inputs.options.label}: done`
    },
  },
})

describe('defineProcess(...).create', () => {
  it('creates a process in CREATED with its inputs parsed and defaults filled in', () => {
    const runner = quietRunner()
    const raw = { x: 3, options: { label: 'l' } }
    const proc = Double.create(raw, { runner })
    expect(proc.state).toBe('CREATED')
    expect(proc.inputs).toEqual({ x: 3, options: { factor: 2, label: 'l' } })
    expect(proc.rawInputs).toEqual({ x: 3, options: { label: 'l' } })
    expect(raw).toEqual({ x: 3, options: { label: 'l' } })
    expect(runner.get(proc.pid)).toBe(proc)
  })

  it('refuses invalid inputs with an InvalidInputsError listing every bad path', () => {
    const runner = quietRunner()
    const { heard, listener } = recordingListener()
    const created: string[] = []
    const Hooked = defineProcess({
      name: 'Hooked',
      spec: doubleSpec,
      steps: { run() {} },
      hooks: { onCreate: () => void created.push('onCreate') },
    })
    let error: unknown
    try {
      Hooked.create({ x: 'three', options: { label: 1 }, extra: true } as never, {
        runner,
        listeners: [listener],
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidInputsError)
    const invalid = error as InvalidInputsError
    expect(invalid.definition).toBe('Hooked')
    expect(invalid.errors.map((e) => e.path).sort()).toEqual([
      'inputs.extra',
      'inputs.options.label',
      'inputs.x',
    ])
    expect(invalid.message).toMatch(/inputs\.x/)
    expect(invalid.message).toMatch(/inputs\.options\.label/)
    // Nothing was created: not hosted, no hook, no listener event.
    expect(runner.list()).toEqual([])
    expect(created).toEqual([])
    expect(heard).toEqual([])
  })

  it('refuses missing required inputs', () => {
    expect(() =>
      Double.create({ options: { label: 'l' } } as never, { runner: quietRunner() }),
    ).toThrow(/inputs\.x/)
  })

  it('generates a uuid pid for every process', () => {
    const runner = quietRunner()
    const a = Double.create({ x: 1, options: { label: 'a' } }, { runner })
    const b = Double.create({ x: 1, options: { label: 'b' } }, { runner })
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    expect(a.pid).toMatch(uuid)
    expect(b.pid).toMatch(uuid)
    expect(a.pid).not.toBe(b.pid)
  })

  it('uses the pid it is given, and the runner ids port otherwise', () => {
    let n = 0
    const runner = quietRunner({ ids: () => `id-${++n}` })
    expect(Double.create({ x: 1, options: { label: 'a' } }, { runner, pid: 'mine' }).pid).toBe(
      'mine',
    )
    expect(Double.create({ x: 1, options: { label: 'a' } }, { runner }).pid).toBe('id-1')
  })

  it('starts with the status given at creation', () => {
    const proc = Double.create(
      { x: 1, options: { label: 'a' } },
      {
        runner: quietRunner(),
        status: 'queued',
      },
    )
    expect(proc.status).toBe('queued')
  })
})
