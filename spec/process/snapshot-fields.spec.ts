/**
 * The rarely set fields of a snapshot (a pending pause or kill, the status kept over a pause,
 * the inbox, a retry's attempts) are absent while unset, so that a process waiting for days
 * does not hold them; once set, every copy the reducer makes carries them on.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { Events } from '../../lib/process/events.js'
import {
  afterStepSnapshot,
  withState,
  withStepping,
  type ProcessSnapshot,
} from '../../lib/process/snapshot.js'
import { at, created, feed, stepDone, stepping, waitAt } from './builders.js'

const USUAL = ['pid', 'state', 'paused', 'status', 'stepping', 'closed', 'ctx', 'outputs']

const keysOf = (snapshot: ProcessSnapshot): string[] => Object.keys(snapshot).sort()

describe('a snapshot', () => {
  it('holds only the usual fields while no rare one is set, step after step', () => {
    const waiting = feed(stepping(), stepDone(waitAt(at('next'))))
    expect(waiting.state._tag).toBe('WAITING')
    for (const snapshot of [
      created(),
      stepping(),
      waiting,
      withStepping(waiting, true),
      withState(waiting, waiting.state),
      afterStepSnapshot(waiting, waiting.state, {}, {}),
    ])
      expect(keysOf(snapshot)).toEqual([...USUAL].sort())
  })

  it('carries a pause asked for during the step into the copies the step makes', () => {
    const asked = feed(stepping(), Events.pause('hold'))
    expect(asked.pendingPause).toEqual({ message: 'hold' })
    expect(withStepping(asked, true).pendingPause).toEqual({ message: 'hold' })
    const after = afterStepSnapshot(asked, asked.state, { i: 1 }, {})
    expect(after).toMatchObject({ pendingPause: { message: 'hold' }, ctx: { i: 1 } })
    expect(feed(asked, stepDone(waitAt(at('next'))))).toMatchObject({ paused: true })
  })

  it('keeps a retry across its attempts and drops it once the step went on', () => {
    const retry = { step: 'run', at: at('run'), attempt: 2, maxAttempts: 3, deadline: undefined }
    const retried: ProcessSnapshot = { ...stepping(), retry } as ProcessSnapshot
    expect(withStepping(retried, false).retry).toBe(retry)
    expect(withState(retried, retried.state).retry).toBe(retry)
    const after = afterStepSnapshot(retried, retried.state, {}, {})
    expect(keysOf(after)).toEqual([...USUAL].sort())
    const inbox = [{ name: 'go', payload: 1 }]
    const withInbox = afterStepSnapshot({ ...retried, inbox }, retried.state, {}, {})
    expect(withInbox.inbox).toBe(inbox)
    expect('retry' in withInbox).toBe(false)
  })

  it('loads from a checkpoint without the rare fields it does not carry', () => {
    const load = (text: string) => {
      const decoded = decodeCheckpoint(text)
      if (E.isLeft(decoded)) throw decoded.left
      return decoded.right.snapshot
    }
    const pid = '5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0007'
    const plain = `{"v":2,"pid":"${pid}","def":"Sleeper@1#0a1b2c3d","state":"WAITING","step":"wake"}`
    expect(keysOf(load(plain))).toEqual([...USUAL].sort())
    const pausedText = plain.replace('}', ',"paused":true,"status":"held","prePause":"dozing"}')
    expect(load(pausedText)).toMatchObject({ paused: true, prePauseStatus: 'dozing' })
  })
})
