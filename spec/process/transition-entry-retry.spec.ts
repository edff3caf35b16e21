/**
 * The reducer on retried entries, as data: a judged failure backs off in the entry's slot, the
 * backoff's timer asks for a restart, the restart's report puts the new reference (and a fresh
 * timeout) in place, and a restart the process no longer waits for is cancelled.
 */
import { describe, expect, it } from 'vitest'
import { childRef, timerRef } from '../../lib/process/awaitable.js'
import type { EntryRetry } from '../../lib/process/entry-retry-state.js'
import { Events } from '../../lib/process/events.js'
import type { Pending, Waiting } from '../../lib/process/state.js'
import { transition } from '../../lib/process/transition.js'
import { at, boom, effectsOf, feed, pending, tagOf, waiting } from './builders.js'

const retry = (more: Partial<EntryRetry> = {}): EntryRetry => ({
  attempt: 1,
  maxAttempts: 3,
  initialDelayMs: 1_000,
  factor: 2,
  maxDelayMs: undefined,
  retryOn: false,
  deadline: undefined,
  lastError: undefined,
  ...more,
})

const retried = (more: Partial<EntryRetry> = {}): Pending => ({
  ...pending('job', childRef('c-1')),
  retry: retry(more),
})

const timeoutOf = (deadline: number): Pending => ({
  ...pending('timeout:job', timerRef(deadline)),
  timeout: 'job',
})

const awaitingOf = (s: { readonly state: unknown }) => (s.state as Waiting).awaiting

describe('transition on a retried entry', () => {
  it('backs off in its slot on a judged failure, clearing its timeout, and tells listeners and the host', () => {
    const s = waiting(at('next'), { awaiting: [retried({ timeoutMs: 500 }), timeoutOf(900)] })
    const [after, effects] = transition(
      s,
      Events.awaitableFailed(0, boom('down', 'Flake'), { at: 100, refused: undefined }),
    )
    expect(tagOf(after)).toBe('WAITING')
    expect(awaitingOf(after)).toEqual([
      {
        ...retried({ timeoutMs: 500 }),
        ref: timerRef(1_100),
        retry: retry({
          timeoutMs: 500,
          attempt: 2,
          deadline: 1_100,
          lastError: { name: 'Flake', message: 'down' },
        }),
      },
      { ...timeoutOf(900), done: true },
    ])
    expect(effects).toEqual([
      { _tag: 'CancelAwaited', awaited: [{ slot: 1, ref: timerRef(900) }] },
      { _tag: 'Await', slot: 0, ref: timerRef(1_100) },
      { _tag: 'Notify', event: { _tag: 'waiting' } },
      { _tag: 'StateChanged', from: 'WAITING', to: 'WAITING' },
    ])
  })

  it('asks for a restart when its backoff falls due, once, and takes the new reference with a fresh timeout', () => {
    const s = feed(
      waiting(at('next'), { awaiting: [retried({ timeoutMs: 500 }), timeoutOf(900)] }),
      Events.awaitableFailed(0, boom(), { at: 100, refused: undefined }),
    )
    const [due, asked] = transition(s, Events.awaitableSettled(0, 1_100))
    expect(asked).toEqual([{ _tag: 'RestartAwaited', slot: 0 }])
    expect(transition(due, Events.awaitableSettled(0, 1_100))[1]).toEqual([])
    const [restarted, effects] = transition(
      due,
      Events.awaitableRestarted(0, childRef('c-2'), 1_200),
    )
    expect(awaitingOf(restarted)[0]).toMatchObject({ ref: childRef('c-2'), retry: { attempt: 2 } })
    expect(awaitingOf(restarted)[0]?.retry?.deadline).toBeUndefined()
    expect(awaitingOf(restarted)[0]?.retry?.restarting).toBeUndefined()
    expect(awaitingOf(restarted)[1]).toEqual(timeoutOf(1_700))
    expect(effects).toEqual([
      { _tag: 'Await', slot: 0, ref: childRef('c-2') },
      { _tag: 'Await', slot: 1, ref: timerRef(1_700) },
      { _tag: 'Notify', event: { _tag: 'waiting' } },
      { _tag: 'StateChanged', from: 'WAITING', to: 'WAITING' },
    ])
  })

  it('fails the wait naming the entry when the attempts are spent, or refused', () => {
    const spent = waiting(at('next'), { awaiting: [retried({ attempt: 3 })] })
    const [ended] = transition(
      spent,
      Events.awaitableFailed(0, boom('down'), { at: 0, refused: undefined }),
    )
    expect(ended.state).toMatchObject({
      _tag: 'EXCEPTED',
      error: { name: 'Error', message: "entry 'job' failed after 3 attempts: down" },
    })
    const refused = waiting(at('next'), { awaiting: [retried()] })
    const [gaveUp] = transition(
      refused,
      Events.awaitableFailed(0, boom('down'), { at: 0, refused: 'no' }),
    )
    expect(gaveUp.state).toMatchObject({
      error: { message: "entry 'job' failed on attempt 1 of 3, not retried (no): down" },
    })
  })

  it('treats a failure the host did not judge as refused, never as retried', () => {
    const s = waiting(at('next'), { awaiting: [retried()] })
    const [after] = transition(s, Events.awaitableFailed(0, boom('down')))
    expect(after.state).toMatchObject({
      _tag: 'EXCEPTED',
      error: {
        message:
          "entry 'job' failed on attempt 1 of 3, not retried (the host gave no verdict on the failure): down",
      },
    })
  })

  it('cancels what a restart started once the process no longer waits for it', () => {
    const s = feed(
      waiting(at('next'), { awaiting: [retried()] }),
      Events.awaitableFailed(0, boom(), { at: 0, refused: undefined }),
      Events.awaitableSettled(0, 1_000),
      Events.kill('stop'),
    )
    expect(tagOf(s)).toBe('KILLED')
    const [after, effects] = transition(s, Events.awaitableRestarted(0, childRef('c-2'), 1_000))
    expect(after).toBe(s)
    expect(effectsOf(effects, 'CancelAwaited')).toEqual([
      { _tag: 'CancelAwaited', awaited: [{ slot: 0, ref: childRef('c-2') }] },
    ])
  })
})
