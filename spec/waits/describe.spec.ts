import { describe, expect, it } from 'vitest'
import { childRef, promiseRef, signalRef, timerRef } from '../../lib/process/awaitable.js'
import { stepPosition } from '../../lib/process/position.js'
import { createdSnapshot, type ProcessSnapshot } from '../../lib/process/snapshot.js'
import type { Pending, Waiting } from '../../lib/process/state.js'
import { formatWait, formatWaits, waitsOf } from '../../lib/waits/describe.js'

const NOW = Date.parse('2026-03-01T00:00:00Z')

const waiting = (awaiting: Pending[], extra: Partial<ProcessSnapshot> = {}): ProcessSnapshot => {
  const state: Waiting = {
    _tag: 'WAITING',
    position: stepPosition('run'),
    message: undefined,
    data: undefined,
    awaiting,
    asked: undefined,
  }
  return { ...createdSnapshot('p', stepPosition('run'), {}), state, ...extra }
}

const pending = (key: string, ref: Pending['ref'], more: Partial<Pending> = {}): Pending => ({
  key,
  ref,
  append: false,
  done: false,
  ...more,
})

describe('waitsOf and formatWait', () => {
  it('describes children, tasks, timers, signals and timeouts, leaving out what is done', () => {
    const snapshot = waiting([
      pending('sq', childRef('c-1')),
      pending('job', promiseRef('t-1')),
      pending('nap', timerRef(NOW + 179_000)),
      pending('ok', signalRef('approve')),
      pending('timeout:job', timerRef(NOW - 3_000), { timeout: 'job' }),
      pending('old', childRef('c-0'), { done: true, value: 1 }),
    ])
    expect(waitsOf(snapshot).map((item) => formatWait(item, NOW))).toEqual([
      'child c-1 (ctx.sq)',
      'task (ctx.job)',
      'timer until 2026-03-01T00:02:59.000Z (in 2m 59s)',
      'signal approve',
      'timeout of job at 2026-02-28T23:59:57.000Z (3s ago)',
    ])
  })

  it('describes a retry backing off: the attempt, its deadline and the last error', () => {
    const snapshot = waiting([pending('retry', timerRef(NOW + 10_000))], {
      retry: {
        step: 'fetch',
        at: stepPosition('fetch'),
        attempt: 2,
        maxAttempts: 3,
        deadline: NOW + 10_000,
        lastError: { name: 'Flake', message: 'no. 1' },
      },
    })
    expect(formatWaits(waitsOf(snapshot), NOW)).toBe(
      'retry fetch: attempt 2 of 3 at 2026-03-01T00:00:10.000Z (in 10s), after Flake: no. 1',
    )
  })

  it('describes a retried entry backing off, in its slot among the others', () => {
    const snapshot = waiting([
      pending('call', timerRef(NOW + 3_000), {
        retry: {
          attempt: 2,
          maxAttempts: 5,
          initialDelayMs: 3_000,
          factor: 2,
          maxDelayMs: undefined,
          retryOn: false,
          deadline: NOW + 3_000,
          lastError: { name: 'Flake', message: 'down' },
        },
      }),
      pending('timeout:call', timerRef(NOW), { timeout: 'call', done: true }),
      pending('ok', signalRef('approve')),
    ])
    expect(formatWaits(waitsOf(snapshot), NOW)).toBe(
      'retry 2/5 of entry call at 2026-03-01T00:00:03.000Z (in 3s), after Flake: down; ' +
        'signal approve',
    )
  })

  it('says a wait on nothing waits for resume, and a process that does not wait waits for nothing', () => {
    expect(formatWaits(waitsOf(waiting([])), NOW)).toBe('resume')
    expect(waitsOf(createdSnapshot('p', stepPosition('run'), {}))).toEqual([])
    expect(formatWaits([], NOW)).toBe('-')
  })
})
