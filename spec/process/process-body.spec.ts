/**
 * The body of a plain process: how a step's return value maps to an outcome (SEMANTICS.md
 * "Running" and "Commands").
 */
import { describe, expect, it } from 'vitest'
import {
  Continue,
  Kill,
  Stop,
  Wait,
  exitCode,
  out,
  toContext,
  unsuccessful,
} from '../../lib/commands/index.js'
import type { LocatedStep, StepFn } from '../../lib/process/definition.js'
import { DefinitionError, processBody } from '../../lib/process/process-body.js'
import { at } from './builders.js'

const noop: StepFn = () => undefined
const body = processBody('P', { run: noop, next: noop })
const located = body.locate(at('run'), undefined as never, undefined as never) as LocatedStep
const complete = (returned: unknown) => body.complete(located, returned)

describe('processBody', () => {
  it('starts at `run` when there is one, else at the first step, else at `entry`', () => {
    expect(body.initial).toEqual(at('run'))
    expect(processBody('P', { first: noop, second: noop }).initial).toEqual(at('first'))
    expect(processBody('P', { run: noop, other: noop }, 'other').initial).toEqual(at('other'))
  })

  it('refuses a process without steps, an unknown entry and a step that is not a function', () => {
    expect(() => processBody('P', {})).toThrow(DefinitionError)
    expect(() => processBody('P', { run: noop }, 'nope')).toThrow(/'nope'/)
    expect(() => processBody('P', { run: 1 as unknown as StepFn })).toThrow(/P\.steps\.run/)
  })

  it('locates a step with the arguments of its position', () => {
    const found = body.locate(at('next', 1, 2), undefined as never, undefined as never)
    expect(found).toMatchObject({ _tag: 'Step', name: 'next', fn: noop, args: [1, 2] })
  })

  it('keeps every argument of Continue', () => {
    expect(complete(Continue('next', 1, 'two', { three: 3 }))).toEqual({
      _tag: 'Continue',
      position: at('next', 1, 'two', { three: 3 }),
    })
  })

  it('refuses Continue and Wait to a step that does not exist, naming it', () => {
    expect(() => complete(Continue('unknownStep'))).toThrow(/unknownStep/)
    expect(() => complete(Wait('unknownStep'))).toThrow(/unknownStep/)
  })

  it('maps Wait to waiting for a resume at the named step, with message and data', () => {
    expect(complete(Wait('next', 'why', { d: 1 }))).toEqual({
      _tag: 'Wait',
      position: at('next'),
      message: 'why',
      data: { d: 1 },
      entries: [],
      asked: undefined,
    })
  })

  it('refuses Wait naming no step, toContext returned by a plain step, and instant commands', () => {
    expect(() => complete(Wait(undefined as unknown as string))).toThrow(/no step named/)
    expect(() => complete(toContext({ a: Promise.resolve(1) }))).toThrow(/generator step/)
    expect(() => complete(out('y', 1))).toThrow(/does not say what comes next/)
  })

  it('maps Stop to a finish with its result and success', () => {
    expect(complete(Stop(42, true))).toMatchObject({ _tag: 'Stop', result: 42, successful: true })
    expect(complete(Stop(42, false))).toMatchObject({ _tag: 'Stop', result: 42, successful: false })
  })

  it('maps an unsuccessful result to Stop(result, false)', () => {
    expect(complete(unsuccessful('meh'))).toEqual({
      _tag: 'Stop',
      result: 'meh',
      successful: false,
      exitStatus: 0,
      exitMessage: undefined,
    })
  })

  it('maps any other value, undefined included, to Stop(value, true)', () => {
    for (const value of [undefined, null, 0, 'x', { a: 1 }, [1]])
      expect(complete(value)).toEqual({
        _tag: 'Stop',
        result: value,
        successful: true,
        exitStatus: 0,
        exitMessage: undefined,
      })
  })

  it('maps Kill to a kill with its message', () => {
    expect(complete(Kill('bye'))).toEqual({ _tag: 'Kill', message: 'bye' })
  })

  it('maps an exit code to a finish that is successful only for status 0', () => {
    expect(complete(exitCode(0))).toMatchObject({ successful: true, exitStatus: 0 })
    expect(complete(exitCode(300, 'negative'))).toEqual({
      _tag: 'Stop',
      result: undefined,
      successful: false,
      exitStatus: 300,
      exitMessage: 'negative',
    })
  })
})
