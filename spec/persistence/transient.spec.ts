/** Which store failures are a store unavailable for a while (retried) and which are not. */
import { describe, expect, it } from 'vitest'
import { isTransientStoreError } from '../../lib/persistence/transient.js'

const coded = (message: string, code: string) => Object.assign(new Error(message), { code })

describe('isTransientStoreError', () => {
  it('says yes to a server that is down, restarting or out of connections', () => {
    expect(
      isTransientStoreError(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')),
    ).toBe(true)
    expect(isTransientStoreError(coded('read ECONNRESET', 'ECONNRESET'))).toBe(true)
    expect(
      isTransientStoreError(coded('terminating connection due to administrator command', '57P01')),
    ).toBe(true)
    expect(isTransientStoreError(coded('the database system is starting up', '57P03'))).toBe(true)
    expect(isTransientStoreError(coded('sorry, too many clients already', '53300'))).toBe(true)
    expect(isTransientStoreError(coded('connection failure', '08006'))).toBe(true)
    expect(isTransientStoreError(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isTransientStoreError(coded('database is locked', 'SQLITE_BUSY'))).toBe(true)
  })

  it('says no to everything else', () => {
    expect(isTransientStoreError(coded('duplicate key value', '23505'))).toBe(false)
    expect(isTransientStoreError(coded('syntax error', '42601'))).toBe(false)
    expect(isTransientStoreError(new Error('checkpoint p: malformed'))).toBe(false)
    expect(isTransientStoreError('ECONNREFUSED')).toBe(false)
  })
})
