/**
 * Broadcast routing keys and binding keys: a binding never loses a broadcast its subscriber's
 * filter matches (checked against RabbitMQ's topic matching rules, written out below; the
 * broker itself is exercised in spec/comms/amqp-broadcast-routing.spec.ts).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  broadcastBindingKey,
  broadcastRoutingKey,
  inboxBindings,
} from '../../../lib/comms/amqp/broadcast-routing.js'
import { matchesFilter } from '../../../lib/comms/filters.js'

/** RabbitMQ's topic match: words split on dots, `*` exactly one word, `#` zero or more. */
const topicMatches = (binding: string, routingKey: string): boolean => {
  const match = (pattern: readonly string[], words: readonly string[]): boolean => {
    const [head, ...rest] = pattern
    if (head === undefined) return words.length === 0
    if (head === '#') return words.some((_, i) => match(rest, words.slice(i))) || match(rest, [])
    if (words.length === 0) return false
    return (head === '*' || head === words[0]) && match(rest, words.slice(1))
  }
  return match(binding.split('.'), routingKey === '' ? [] : routingKey.split('.'))
}

describe('broadcastBindingKey', () => {
  it('keeps the exact leading words of a string filter, lowered, and lets # stand for the rest', () => {
    expect(broadcastBindingKey('intent')).toBe('intent.#')
    expect(broadcastBindingKey('state_changed.*.FINISHED')).toBe('state_changed.#')
    expect(broadcastBindingKey('state_changed.WAITING.WAITING')).toBe(
      'state_changed.waiting.waiting.#',
    )
    expect(broadcastBindingKey('pause_changed.pa*')).toBe('pause_changed.#')
  })

  it('binds everything for a regular expression, no filter, or a filter that starts uncertain', () => {
    for (const filter of [/^state_changed\./, undefined, '*', 'st*', 'é.x', '.x', 'a#b'])
      expect(broadcastBindingKey(filter)).toBe('#')
  })

  it('fits in the 255 bytes AMQP allows, by dropping whole words', () => {
    const filter = `${'a'.repeat(200)}.${'b'.repeat(60)}`
    expect(broadcastBindingKey(filter)).toBe(`${'a'.repeat(200)}.#`)
  })
})

describe('broadcastRoutingKey', () => {
  it('is the subject with its ASCII letters lowered, empty without one', () => {
    expect(broadcastRoutingKey('state_changed.RUNNING.FINISHED')).toBe(
      'state_changed.running.finished',
    )
    expect(broadcastRoutingKey('Émile.X')).toBe('Émile.x')
    expect(broadcastRoutingKey(undefined)).toBe('')
  })

  it('keeps the whole words that fit in 255 bytes', () => {
    const key = broadcastRoutingKey(`intent.${'x'.repeat(240)}.${'y'.repeat(20)}`)
    expect(key).toBe(`intent.${'x'.repeat(240)}`)
  })
})

describe('inboxBindings', () => {
  it('binds # alone when one subscriber wants everything, each distinct prefix otherwise', () => {
    expect([...inboxBindings(['intent.#', '#', 'state_changed.#'])]).toEqual(['#'])
    expect([...inboxBindings(['intent.#', 'intent.#', 'state_changed.#'])]).toEqual([
      'intent.#',
      'state_changed.#',
    ])
  })
})

describe('the binding of a filter', () => {
  // Subjects and filters from a small alphabet, so that they often match; with wildcards,
  // upper case, non-ASCII letters, empty words and long words.
  const word = fc.oneof(
    fc.constantFrom('intent', 'state_changed', 'RUNNING', 'running', 'ß', 'İ', 'K', 'k', ''),
    fc.stringMatching(/^[a-cA-C*#]{1,3}$/),
    fc.constant('w'.repeat(130)),
  )
  const dotted = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join('.'))

  it('receives every broadcast whose subject the filter matches', () => {
    fc.assert(
      fc.property(dotted, dotted, (filter, subject) => {
        if (filter === '') return
        if (!matchesFilter(filter, subject, { ignoreCase: true })) return
        expect(topicMatches(broadcastBindingKey(filter), broadcastRoutingKey(subject))).toBe(true)
      }),
      { numRuns: 20_000 },
    )
  })

  it('receives a subject that a filter matches only by the case of its letters', () => {
    expect(
      topicMatches(
        broadcastBindingKey('state_changed.*.finished'),
        broadcastRoutingKey('STATE_CHANGED.RUNNING.FINISHED'),
      ),
    ).toBe(true)
  })
})
