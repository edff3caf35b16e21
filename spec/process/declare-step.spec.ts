/**
 * `step({ args }, fn)`: a process step that declares its arguments with a codec. The types check
 * them where they can (spec/process/steps.test-d.ts); at run time they are checked where they
 * enter: at `Continue` (the step that sent them fails) and at `resume` of a `Wait` for the step
 * (the resume is refused and the process keeps waiting).
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Continue, Wait, out } from '../../lib/commands/index.js'
import { output } from '../../lib/ports/index.js'
import {
  InvalidArgumentsError,
  argsCodecOf,
  argumentsProblem,
  step,
} from '../../lib/process/declare-step.js'
import { DefinitionError } from '../../lib/process/process-body.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { InvalidResumeValueError } from '../../lib/runtime/resume-check.js'
import { driveDefinition } from '../../lib/testing/index.js'
import { quietRunner } from '../runtime/helpers.js'

const greet = step({ args: t.tuple([t.string]) }, (_ctx, { args }) =>
  out('greeting', `hello ${args[0]}`),
)

/** A process whose `run` sends `greet` the arguments it is given (typed loosely on purpose). */
const sending = (...args: unknown[]) =>
  defineProcess({
    name: 'Greeter',
    spec: { outputs: { greeting: output(t.string) } },
    steps: {
      run: () => Continue('greet', ...(args as [string])),
      greet,
    },
  })

const Waiting = defineProcess({
  name: 'Waiting',
  spec: { outputs: { greeting: output(t.string) } },
  steps: { run: () => Wait('greet', 'a name'), greet },
})

describe('step(options, fn)', () => {
  it('makes a step that runs fn, and remembers the codec of its arguments', () => {
    expect(greet.length).toBe(2)
    expect(argsCodecOf(greet)).toBeDefined()
    expect(argsCodecOf(() => undefined)).toBeUndefined()
    expect(argumentsProblem(greet, ['you'])).toBeUndefined()
    expect(argumentsProblem(greet, [5])).toBe('args.0: expected string, got 5')
    expect(argumentsProblem(() => undefined, [5])).toBeUndefined()
  })

  it('is refused by a work chain, whose steps take no arguments', () => {
    expect(() =>
      defineWorkChain({
        name: 'Chain',
        steps: { first: greet as never },
        outline: (s) => [s.first],
      }),
    ).toThrow(
      new DefinitionError(
        'Chain.steps.first: work chain steps take no arguments (step({ args }) is for processes)',
      ),
    )
  })
})

describe('arguments sent by Continue', () => {
  it('reach the step when they decode', async () => {
    const outputs = await sending('world').create(undefined, { runner: quietRunner() }).execute()
    expect(outputs).toEqual({ greeting: 'hello world' })
  })

  it('fail the step that sent them when they do not, naming the step and the path', async () => {
    const proc = sending(5).create(undefined, { runner: quietRunner() })
    await expect(proc.execute()).rejects.toThrow(InvalidArgumentsError)
    expect(proc.state).toBe('EXCEPTED')
    expect(proc.exception()?.message).toBe(
      'Greeter.greet refuses the arguments Continue gave it: args.0: expected string, got 5',
    )
    expect(proc.snapshot.state).toMatchObject({ _tag: 'EXCEPTED' })
  })

  it('are checked by the test drivers too: the same body runs there', () => {
    const run = driveDefinition(sending(['a']))
    expect(run.state).toBe('EXCEPTED')
    expect(run.error).toBeInstanceOf(InvalidArgumentsError)
    expect(run.trace.map((entry) => entry.step)).toEqual(['run'])
  })
})

describe('resume of a Wait for a step that declares its arguments', () => {
  it('refuses a value that does not decode, naming why; the process keeps waiting', async () => {
    const proc = Waiting.create(undefined, { runner: quietRunner() })
    const done = proc.execute()
    expect(proc.state).toBe('WAITING')
    expect(() => proc.resume(5)).toThrow(InvalidResumeValueError)
    expect(() => proc.resume(5)).toThrow('refused the resume value: args.0: expected string, got 5')
    expect(() => proc.resume()).toThrow('args.0: expected string, got undefined')
    expect(proc.state).toBe('WAITING')
    proc.resume('you')
    await expect(done).resolves.toEqual({ greeting: 'hello you' })
  })
})
