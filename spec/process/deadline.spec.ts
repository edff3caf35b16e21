import { describe, expect, it } from 'vitest'
import { earliestDeadline } from '../../lib/process/deadline.js'
import { waitingOn } from '../persistence/deadline-index.js'
import { runningChain } from '../persistence/fixtures.js'

const timer = (deadline: number, done = false) => ({
  key: `t${deadline}`,
  ref: { _tag: 'Timer' as const, deadline },
  append: false,
  done,
})

describe('earliestDeadline', () => {
  it('is the earliest unsettled timer of a waiting process', () => {
    const bundle = waitingOn('p', [
      timer(100, true),
      { key: 'c', ref: { _tag: 'Child', pid: 'c' }, append: false, done: false },
      timer(300),
      timer(200),
    ])
    expect(earliestDeadline(bundle.snapshot)).toBe(200)
  })

  it('is undefined without a timer, once every timer is settled, paused, or not WAITING', () => {
    const signal = { key: 's', ref: { _tag: 'Signal' as const, name: 'go' }, append: false }
    expect(earliestDeadline(waitingOn('p', [{ ...signal, done: false }]).snapshot)).toBeUndefined()
    expect(earliestDeadline(waitingOn('p', [timer(1, true)]).snapshot)).toBeUndefined()
    const paused = waitingOn('p', [timer(1)])
    expect(earliestDeadline({ ...paused.snapshot, paused: true })).toBeUndefined()
    expect(earliestDeadline(runningChain.snapshot)).toBeUndefined()
  })
})
