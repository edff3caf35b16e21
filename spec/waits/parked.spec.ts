import { describe, expect, it } from 'vitest'
import { childRef, promiseRef, signalRef, timerRef } from '../../lib/process/awaitable.js'
import { stepPosition } from '../../lib/process/position.js'
import { createdSnapshot, type ProcessSnapshot } from '../../lib/process/snapshot.js'
import type { Pending, Waiting } from '../../lib/process/state.js'
import { isParked } from '../../lib/waits/parked.js'

const waiting = (awaiting: Pending[]): ProcessSnapshot => {
  const state: Waiting = {
    _tag: 'WAITING',
    position: stepPosition('run'),
    message: undefined,
    data: undefined,
    awaiting,
    asked: undefined,
  }
  return { ...createdSnapshot('p', stepPosition('run'), {}), state }
}

const pending = (key: string, ref: Pending['ref'], more: Partial<Pending> = {}): Pending => ({
  key,
  ref,
  append: false,
  done: false,
  ...more,
})

describe('isParked', () => {
  it('holds for a process waiting only for signals, timers, timeouts or a resume', () => {
    expect(isParked(waiting([pending('ok', signalRef('approve'))]))).toBe(true)
    expect(isParked(waiting([pending('nap', timerRef(5))]))).toBe(true)
    expect(
      isParked(
        waiting([
          pending('ok', signalRef('approve')),
          pending('timeout:ok', timerRef(5), { timeout: 'ok' }),
        ]),
      ),
    ).toBe(true)
    expect(isParked(waiting([]))).toBe(true) // a Wait command: waits for resume()
    // A task between attempts: only its backoff timer runs until it starts again.
    const backoff = {
      attempt: 1,
      maxAttempts: 3,
      initialDelayMs: 1_000,
      factor: 2,
      maxDelayMs: undefined,
      retryOn: false,
      deadline: 5,
      lastError: { name: 'Flake', message: 'no' },
    }
    expect(isParked(waiting([pending('job', timerRef(5), { retry: backoff })]))).toBe(true)
  })

  it('does not hold while a child or a task it waits for still works', () => {
    expect(isParked(waiting([pending('sq', childRef('c-1'))]))).toBe(false)
    expect(isParked(waiting([pending('job', promiseRef('t-1'))]))).toBe(false)
    expect(
      isParked(waiting([pending('ok', signalRef('approve')), pending('sq', childRef('c-1'))])),
    ).toBe(false)
    // The child is done: what is left comes from outside.
    expect(
      isParked(
        waiting([
          pending('ok', signalRef('approve')),
          pending('sq', childRef('c-1'), { done: true, value: 1 }),
        ]),
      ),
    ).toBe(true)
  })

  it('does not hold for a process that is not WAITING', () => {
    expect(isParked(createdSnapshot('p', stepPosition('run'), {}))).toBe(false)
  })
})
