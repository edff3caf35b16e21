/** The pid rule: what a pid may be, and the errors that name what is wrong with one. */
import { describe, expect, it } from 'vitest'
import { defineProcess } from '../../lib/runtime/define.js'
import {
  InvalidPidError,
  MAX_PID_LENGTH,
  pidProblem,
  quotePid,
  validPid,
} from '../../lib/runtime/pid.js'
import { quietRunner } from './helpers.js'

describe('pidProblem', () => {
  it.each([
    ['a UUID', '3f43527d-4ca6-403b-935b-b6fb94624bc0'],
    ['an integer', '1234'],
    ['letters, digits, _ and -', 'Pipeline_run-7'],
    ['one character', 'p'],
    ['the longest', 'x'.repeat(MAX_PID_LENGTH)],
  ])('accepts %s', (_what, pid) => {
    expect(pidProblem(pid)).toBeUndefined()
  })

  it.each([
    ['the empty string', '', 'a pid is not empty'],
    ['one too long', 'x'.repeat(129), '129 characters, more than the 128 a pid may have'],
    ['a NUL', 'a\u0000b', 'U+0000 at index 1 is not allowed (a pid holds A-Z a-z 0-9 _ -)'],
    ['a dot', 'a.b', "'.' at index 1 is not allowed (a pid holds A-Z a-z 0-9 _ -)"],
    ['a wildcard', 'p*', "'*' at index 1 is not allowed (a pid holds A-Z a-z 0-9 _ -)"],
    ['a space', ' p', 'U+0020 at index 0 is not allowed (a pid holds A-Z a-z 0-9 _ -)'],
    [
      'a letter outside ASCII',
      'pé',
      'U+00E9 at index 1 is not allowed (a pid holds A-Z a-z 0-9 _ -)',
    ],
    ['an emoji', '🙂', 'U+1F642 at index 0 is not allowed (a pid holds A-Z a-z 0-9 _ -)'],
    ['a number', 42, 'a pid is a string, not number'],
  ])('refuses %s, saying why', (_what, pid, reason) => {
    expect(pidProblem(pid)).toBe(reason)
  })
})

describe('validPid', () => {
  it('returns a valid pid as it is', () => {
    expect(validPid('p-1', 'somewhere')).toBe('p-1')
  })

  it('throws an InvalidPidError naming the pid (escaped), where it was given and why', () => {
    let error: unknown
    try {
      validPid('a\u0000b', 'launchProcess')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidPidError)
    expect(error).toMatchObject({ pid: 'a\u0000b', where: 'launchProcess' })
    expect((error as Error).message).toBe(
      'invalid pid "a\\u0000b" given to launchProcess: U+0000 at index 1 is not allowed ' +
        '(a pid holds A-Z a-z 0-9 _ -)',
    )
  })

  it('cuts a long pid short in messages', () => {
    expect(quotePid('x'.repeat(500))).toBe(`"${'x'.repeat(60)}…"`)
  })
})

describe('Runner.create with a pid', () => {
  const Nothing = defineProcess({ name: 'Nothing', steps: { run: () => undefined } })

  it('creates the process under a valid pid, and refuses an invalid one creating nothing', () => {
    const runner = quietRunner()
    expect(Nothing.create({}, { runner, pid: 'given-1' }).pid).toBe('given-1')
    expect(() => Nothing.create({}, { runner, pid: 'a.b' })).toThrow(
      /^invalid pid "a\.b" given to create\(Nothing\): '\.' at index 1/,
    )
    expect(runner.list().map((process) => process.pid)).toEqual(['given-1'])
  })
})
