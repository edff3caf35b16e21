/**
 * The mailbox: first in, first out, with each request's callback given back with its own event,
 * across the growth of its ring (it starts with two slots, and with no callbacks' ring until a
 * request is queued).
 */
import { describe, expect, it } from 'vitest'
import { Mailbox, type OnAnswer } from '../../lib/interpreter/mailbox.js'
import { Events, type ProcessEvent } from '../../lib/process/events.js'

const statusEvent = (i: number): ProcessEvent => Events.setStatus(`s${i}`)

/** Everything in the mailbox, taken in order, as [event, callback] pairs. */
const drain = (mailbox: Mailbox): [ProcessEvent, OnAnswer | undefined][] => {
  const taken: [ProcessEvent, OnAnswer | undefined][] = []
  while (mailbox.size > 0) {
    const event = mailbox.take()
    taken.push([event, mailbox.takeAnswer()])
  }
  return taken
}

describe('Mailbox', () => {
  it('gives events back in the order they came, as it grows', () => {
    const mailbox = new Mailbox()
    const events = Array.from({ length: 11 }, (_, i) => statusEvent(i))
    for (const event of events) mailbox.push(event, undefined)
    expect(mailbox.size).toBe(11)
    expect(drain(mailbox)).toEqual(events.map((event) => [event, undefined]))
    expect(mailbox.size).toBe(0)
  })

  it('keeps order when taking and pushing alternate around the ring', () => {
    const mailbox = new Mailbox()
    const taken: ProcessEvent[] = []
    let next = 0
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < (round % 3) + 1; i++) mailbox.push(statusEvent(next++), undefined)
      taken.push(mailbox.take())
      mailbox.takeAnswer()
    }
    taken.push(...drain(mailbox).map(([event]) => event))
    expect(taken).toEqual(Array.from({ length: next }, (_, i) => statusEvent(i)))
  })

  it("gives each request's callback with its own event, queued before or after plain events", () => {
    const mailbox = new Mailbox()
    const answers = [0, 1, 2].map((): OnAnswer => () => {})
    const [first, second, third] = answers as [OnAnswer, OnAnswer, OnAnswer]
    mailbox.push(statusEvent(0), undefined)
    mailbox.push(statusEvent(1), first)
    mailbox.take()
    expect(mailbox.takeAnswer()).toBeUndefined()
    mailbox.push(statusEvent(2), undefined)
    mailbox.push(statusEvent(3), second)
    mailbox.push(statusEvent(4), undefined)
    mailbox.push(statusEvent(5), third)
    expect(drain(mailbox)).toEqual([
      [statusEvent(1), first],
      [statusEvent(2), undefined],
      [statusEvent(3), second],
      [statusEvent(4), undefined],
      [statusEvent(5), third],
    ])
  })
})
