import { describe, expect, it } from 'vitest'
import { InvalidFilterError } from '../../lib/comms/errors.js'
import { broadcastPredicate, matchesFilter } from '../../lib/comms/filters.js'

describe('matchesFilter', () => {
  it.each([
    ['state_changed.*.FINISHED', 'state_changed.RUNNING.FINISHED', true],
    ['state_changed.*.FINISHED', 'state_changed.a.b.FINISHED', true],
    ['state_changed.*.FINISHED', 'state_changed.RUNNING.FINISHED.more', false],
    ['state_changed.*.FINISHED', 'x.state_changed.RUNNING.FINISHED', false],
    ['state_changed.*', 'state_changed.None.CREATED', true],
    ['*', '', true],
    ['*.FINISHED', 'state_changed.RUNNING.FINISHED', true],
    ['a*c', 'abbc', true],
    ['a*c', 'ac', true],
    ['a*c', 'acd', false],
    ['state_changed', 'state_changed', true],
    ['state_changed', 'state_changed.CREATED.RUNNING', true],
    ['state_changed', 'state_changed_later', false],
    ['state_changed', 'state', false],
    ['worker-1', 'worker-10', false],
    ['worker-1', 'worker-1.child', true],
    ['a+b(c)', 'a+b(c)', true],
    ['a+b(c)*', 'a+b(c)d', true],
    ['a.b', 'aXb', false],
  ] as const)('%s against %s: %s', (filter, value, expected) => {
    expect(matchesFilter(filter, value)).toBe(expected)
  })

  it('never matches a missing value', () => {
    expect(matchesFilter('*', undefined)).toBe(false)
    expect(matchesFilter('x', undefined)).toBe(false)
  })

  it('refuses the empty filter', () => {
    expect(() => matchesFilter('', 'x')).toThrow(InvalidFilterError)
  })
})

describe('broadcastPredicate', () => {
  const message = { body: null, subject: 'state_changed.RUNNING.FINISHED', sender: 'pid-1' }

  it('matches everything without filters', () => {
    expect(broadcastPredicate()({ body: null })).toBe(true)
  })

  it('needs both filters to match', () => {
    const both = (subjectFilter: string, senderFilter: string) =>
      broadcastPredicate({ subjectFilter, senderFilter })(message)
    expect(both('state_changed', 'pid-1')).toBe(true)
    expect(both('state_changed', 'pid-2')).toBe(false)
    expect(both('other', 'pid-1')).toBe(false)
  })
})
