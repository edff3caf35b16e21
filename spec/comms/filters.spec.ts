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

  it('refuses the empty filter, and what is not a filter', () => {
    expect(() => matchesFilter('', 'x')).toThrow(InvalidFilterError)
    expect(() => matchesFilter(3 as never, 'x')).toThrow(
      'invalid broadcast filter 3: a filter is a non-empty string or a regular expression',
    )
  })

  it('ignores case when asked to, wildcards and prefixes alike', () => {
    const ignoreCase = { ignoreCase: true }
    expect(matchesFilter('state_changed.*.finished', 'state_changed.RUNNING.FINISHED')).toBe(false)
    expect(
      matchesFilter('state_changed.*.finished', 'state_changed.RUNNING.FINISHED', ignoreCase),
    ).toBe(true)
    expect(matchesFilter('STATE_CHANGED', 'state_changed.None.CREATED', ignoreCase)).toBe(true)
    expect(matchesFilter('state_changed', 'STATE_CHANGED_LATER', ignoreCase)).toBe(false)
  })

  it('tests a regular expression as written, keeping no state between values', () => {
    const global = /^worker-\d+$/g
    expect(matchesFilter(global, 'worker-1')).toBe(true)
    expect(matchesFilter(global, 'worker-1')).toBe(true)
    expect(global.lastIndex).toBe(0)
    expect(matchesFilter(/finished/i, 'state_changed.RUNNING.FINISHED')).toBe(true)
    expect(matchesFilter(/^x$/, undefined)).toBe(false)
  })
})

describe('broadcastPredicate', () => {
  const message = { body: null, subject: 'state_changed.RUNNING.FINISHED', sender: 'pid-1' }

  it('matches everything without filters', () => {
    expect(broadcastPredicate()({ body: null })).toBe(true)
  })

  it('ignores case in string subject filters, not in sender filters', () => {
    expect(broadcastPredicate({ subjectFilter: 'state_changed.*.finished' })(message)).toBe(true)
    expect(broadcastPredicate({ senderFilter: 'PID-1' })(message)).toBe(false)
  })

  it('needs both filters to match', () => {
    const both = (subjectFilter: string, senderFilter: string) =>
      broadcastPredicate({ subjectFilter, senderFilter })(message)
    expect(both('state_changed', 'pid-1')).toBe(true)
    expect(both('state_changed', 'pid-2')).toBe(false)
    expect(both('other', 'pid-1')).toBe(false)
  })
})
