import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import type { CheckpointError } from '../../lib/checkpoint/errors.js'
import { waitingOnChildren } from '../persistence/fixtures.js'

/** The error for a stored checkpoint changed by `change`, sent through JSON as stores do. */
const errorFor = (change: (json: Record<string, unknown>) => unknown): CheckpointError => {
  const json = JSON.parse(JSON.stringify(encodeCheckpoint(waitingOnChildren)))
  const decoded = decodeCheckpoint(JSON.stringify(change(json)), { tag: 'nightly' })
  if (E.isRight(decoded)) throw new Error('expected a decode error')
  return decoded.left
}

describe('decodeCheckpoint errors', () => {
  it('say which field is wrong, what it should be and what it is, in a short line', () => {
    const error = errorFor((json) => ({ ...json, pid: 5 }))
    expect(error.reason).toBe('pid: expected string, got 5')
    expect(error.message).toBe(
      'checkpoint <unknown pid> (tag nightly): pid: expected string, got 5',
    )
  })

  it('name nested paths with indices, and list the allowed states', () => {
    const error = errorFor((json) => ({ ...json, state: 'DONE', at: [1, -1] }))
    expect(error.reason).toBe(
      'state: expected one of CREATED, RUNNING, WAITING, FINISHED, EXCEPTED, KILLED, got "DONE"; ' +
        'at[1]: expected a whole number ≥ 0, got -1',
    )
    expect(error.pid).toBe(waitingOnChildren.pid)
  })

  it('report a value that matches none of a union forms once, at the union', () => {
    const error = errorFor((json) => ({ ...json, awaiting: [{ key: 'kid', kid: 'x' }] }))
    expect(error.reason).toBe(
      'awaiting[0]: expected { child | promise | timer | signal }, got {"key":"kid","kid":"x"}',
    )
  })

  it('truncate long values, count the problems not shown, and keep the full report', () => {
    const error = errorFor((json) => ({
      ...json,
      v: 3,
      pid: undefined,
      def: 7,
      ctx: 'x'.repeat(500),
      paused: false,
    }))
    expect(error.reason).toBe(
      'v: expected (1 | 2), got 3; pid: missing (expected string); def: expected string, got 7 (and 2 more)',
    )
    expect(errorFor((json) => ({ ...json, ctx: 'x'.repeat(500) })).reason).toBe(
      `ctx: expected an object, got "${'x'.repeat(38)}…`,
    )
    expect(error.reason.length).toBeLessThan(200)
    expect(error.detail).toContain('Invalid value false supplied to')
  })

  it('say a rule the checkpoint breaks in full, with nothing more in the detail', () => {
    const error = errorFor((json) => ({ ...json, def: 'Parent' }))
    expect(error.reason).toBe(`'def' must read name@version#hash, got 'Parent'`)
    expect(error.detail).toBeUndefined()
    expect(errorFor((json) => ({ ...json, state: 'EXCEPTED' })).reason).toBe(
      `an EXCEPTED checkpoint needs its 'error'`,
    )
    expect(errorFor(({ at: _, ...json }) => json).reason).toBe(
      `a WAITING checkpoint needs a position ('step' or 'at')`,
    )
    expect(errorFor((json) => ({ ...json, step: 'run' })).reason).toBe(
      `'step' and 'at' cannot both be set`,
    )
    expect(errorFor((json) => ({ ...json, journal: [['resume', 1], [2]] })).reason).toBe(
      'journal[1]: expected an [asked, answer] pair',
    )
  })

  it('say what the whole checkpoint should be when it is not an object at all', () => {
    expect(errorFor(() => [1, 2]).reason).toBe('checkpoint: expected an object, got [1,2]')
  })
})
