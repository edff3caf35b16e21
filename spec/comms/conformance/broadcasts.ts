/** Conformance cases: broadcasts. Part of `communicatorConformance` (../conformance.ts). */
import { beforeEach, describe, expect, it } from 'vitest'
import type {
  BroadcastFilterOptions,
  BroadcastMessage,
  Communicator,
} from '../../../lib/comms/communicator.js'
import { waitFor } from '../helpers.js'
import type { Peers } from './peers.js'

/** Declares the broadcasts cases; `peers.current()` gives the pair of the running test. */
export const broadcastCases = (peers: Peers): void => {
  describe('broadcasts', () => {
    let a: Communicator
    let b: Communicator
    beforeEach(() => {
      ;({ a, b } = peers.current())
    })

    /** Subscribes a collector of broadcasts on `on`. */
    const collect = async (on: Communicator, options: BroadcastFilterOptions = {}) => {
      const seen: BroadcastMessage[] = []
      await on.addBroadcastSubscriber((message) => {
        seen.push(message)
      }, options)
      return seen
    }
    /** Sends (subject, sender) pairs from `a`, then waits until `b` saw them all. */
    const sendAll = async (messages: readonly [string | undefined, string | undefined][]) => {
      const everything = await collect(b)
      for (const [subject, sender] of messages) {
        await a.broadcastSend(
          { subject },
          {
            ...(subject === undefined ? {} : { subject }),
            ...(sender === undefined ? {} : { sender }),
          },
        )
      }
      await a.broadcastSend('end', { subject: 'end' })
      await waitFor('the last broadcast', () => everything.some((m) => m.subject === 'end'))
    }
    const subjects = (seen: readonly BroadcastMessage[]) => seen.map((m) => m.subject)
    const senders = (seen: readonly BroadcastMessage[]) => seen.map((m) => m.sender)

    it('reaches every subscriber, the sender’s own included, with all its fields', async () => {
      const onA = await collect(a)
      const onB = await collect(b)
      const fields = {
        sender: 'pid-9',
        subject: 'state_changed.CREATED.RUNNING',
        correlationId: 'c-1',
      }
      await a.broadcastSend({ state: 'RUNNING' }, fields)
      await waitFor('both subscribers', () => onA.length === 1 && onB.length === 1)
      expect(onA).toEqual([{ body: { state: 'RUNNING' }, ...fields }])
      expect(onB).toEqual(onA)
    })

    it('filters subjects: `*` matches any run of characters, no `*` a dotted prefix', async () => {
      const finished = await collect(b, { subjectFilter: 'state_changed.*.FINISHED' })
      const stateChanges = await collect(b, { subjectFilter: 'state_changed' })
      const fromRunning = await collect(b, { subjectFilter: 'state_changed.RUNNING.*' })
      const anySubject = await collect(b, { subjectFilter: '*' })
      const sent = [
        'state_changed.RUNNING.FINISHED',
        'state_changed.WAITING.FINISHED',
        'state_changed.CREATED.RUNNING',
        'state_changed',
        'state_changed_later.RUNNING.FINISHED',
        'other.RUNNING.FINISHED',
        'state_changed.RUNNING.FINISHED.more',
        undefined,
      ]
      await sendAll(sent.map((subject) => [subject, undefined]))
      expect(subjects(finished)).toEqual(sent.slice(0, 2))
      expect(subjects(stateChanges)).toEqual([...sent.slice(0, 4), sent[6]])
      expect(subjects(fromRunning)).toEqual([sent[0], sent[6]])
      expect(subjects(anySubject)).toEqual([...sent.slice(0, 7), 'end'])
    })

    it('filters senders the same way, and combines subject and sender filters', async () => {
      const worker1 = await collect(b, { senderFilter: 'worker-1' })
      const workers = await collect(b, { senderFilter: 'worker-*' })
      const both = await collect(b, { senderFilter: 'worker-1*', subjectFilter: 'done' })
      await sendAll([
        ['done', 'worker-1'],
        ['done', 'worker-10'],
        ['started', 'worker-1.child'],
        ['done', undefined],
        ['done', 'other'],
      ])
      expect(senders(worker1)).toEqual(['worker-1', 'worker-1.child'])
      expect(senders(workers)).toEqual(['worker-1', 'worker-10', 'worker-1.child'])
      expect(senders(both)).toEqual(['worker-1', 'worker-10'])
    })

    it('matches string subject filters without regard to case, kiwipy-style', async () => {
      const finished = await collect(b, { subjectFilter: 'state_changed.*.finished' })
      const upper = await collect(b, { subjectFilter: 'STATE_CHANGED' })
      const sender = await collect(b, { senderFilter: 'PID-1' })
      await sendAll([
        ['state_changed.RUNNING.FINISHED', 'pid-1'],
        ['state_changed.running.finished', 'pid-1'],
        ['state_changed.RUNNING.WAITING', 'PID-1'],
      ])
      expect(subjects(finished)).toEqual([
        'state_changed.RUNNING.FINISHED',
        'state_changed.running.finished',
      ])
      expect(subjects(upper)).toHaveLength(3)
      // Senders are pids: their filters keep case.
      expect(subjects(sender)).toEqual(['state_changed.RUNNING.WAITING'])
    })

    it('takes regular expressions as filters, tested as written', async () => {
      const endings = await collect(b, { subjectFilter: /^state_changed\.\w+\.(FINISHED|KILLED)$/ })
      const global = await collect(b, { subjectFilter: /FINISHED/g })
      const workers = await collect(b, { senderFilter: /^worker-\d$/ })
      await sendAll([
        ['state_changed.RUNNING.FINISHED', 'worker-1'],
        ['state_changed.WAITING.KILLED', 'worker-10'],
        ['state_changed.RUNNING.finished', 'worker-2'],
        ['state_changed.RUNNING.FINISHED.more', 'worker-3'],
      ])
      expect(subjects(endings)).toEqual([
        'state_changed.RUNNING.FINISHED',
        'state_changed.WAITING.KILLED',
      ])
      // A `g` flag keeps no state from one message to the next.
      expect(subjects(global)).toEqual([
        'state_changed.RUNNING.FINISHED',
        'state_changed.RUNNING.FINISHED.more',
      ])
      expect(senders(workers)).toEqual(['worker-1', 'worker-2', 'worker-3'])
    })

    it('keeps delivering to the others when a subscriber throws', async () => {
      await b.addBroadcastSubscriber(() => {
        throw new Error('listener bug')
      })
      const seen = await collect(b)
      await a.broadcastSend(1)
      await a.broadcastSend(2)
      await waitFor('both broadcasts', () => seen.length === 2)
      expect(seen.map((m) => m.body)).toEqual([1, 2])
    })
  })
}
