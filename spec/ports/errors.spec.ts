import { describe, expect, it } from 'vitest'
import { formatValidationErrors, SpecError } from '../../lib/ports/index.js'

describe('formatValidationErrors', () => {
  it('writes one line per error, path then reason', () => {
    expect(
      formatValidationErrors([
        { path: 'inputs.x', message: 'expected number, got "a"' },
        { path: 'inputs.sub.y', message: 'required value was not provided' },
      ]),
    ).toBe('inputs.x: expected number, got "a"\ninputs.sub.y: required value was not provided')
  })

  it('writes nothing for no errors', () => {
    expect(formatValidationErrors([])).toBe('')
  })
})

describe('SpecError', () => {
  it('is an Error named SpecError', () => {
    const error = new SpecError('inputs.x: invalid default')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('SpecError')
    expect(error.message).toBe('inputs.x: invalid default')
  })
})
