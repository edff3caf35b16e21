/**
 * `resume(value)`, the signal without a name: delivered to a wait for a resume (kept until
 * `play()` when paused); a duplicate right after one; kept in the inbox (once, durably: the
 * `SignalKept` effect) in any other live state, and taken by the next wait for a resume as soon
 * as it starts; refused once the process has terminated.
 */
import { describe, expect, it } from 'vitest'
import type { Effect } from '../../lib/process/effects.js'
import { Events } from '../../lib/process/events.js'
import { transition } from '../../lib/process/transition.js'
import {
  RUN_STEP,
  at,
  child,
  continueTo,
  created,
  enterRunning,
  enterWaiting,
  exceptedState,
  feed,
  finished,
  hooks,
  killedState,
  paused,
  pending,
  reply,
  running,
  stepDone,
  stepping,
  stopWith,
  waitAt,
  waiting,
} from './builders.js'

const KEPT: readonly Effect[] = [{ _tag: 'SignalKept' }, reply(true)]

describe('transition: resume, the signal without a name', () => {
  describe('kept in the inbox until a wait for a resume starts', () => {
    const early = {
      CREATED: () => created(),
      'RUNNING (between steps)': () => running(),
      'RUNNING (stepping)': () => stepping(),
      'WAITING on a child': () => waiting(at('next'), { awaiting: [pending('kid', child('c-1'))] }),
      'WAITING on a named signal': () =>
        waiting(at('next'), {
          awaiting: [pending('go', { _tag: 'Signal', name: 'go' })],
        }),
    }
    for (const [name, build] of Object.entries(early))
      it(`keeps it in ${name}: the state stays, SignalKept asks for a checkpoint`, () => {
        const s = build()
        const [next, effects] = transition(s, Events.resume({ n: 1 }))
        expect(next).toEqual({ ...s, inbox: [{ payload: { n: 1 } }] })
        expect(effects).toEqual(KEPT)
      })

    it('keeps one at most: a second resume while one is kept changes nothing', () => {
      const kept = feed(created(), Events.resume('first'))
      const [next, effects] = transition(kept, Events.resume('second'))
      expect(next).toBe(kept)
      expect(effects).toEqual([reply(true)])
    })

    it('is taken by the first Wait for a resume, in the transition that starts it', () => {
      const kept = feed(created(), Events.resume(7), Events.start(), Events.stepStarted())
      const [next, effects] = transition(kept, stepDone(waitAt(at('next'))))
      expect(next.state).toEqual({ _tag: 'RUNNING', position: at('next', 7), resumed: true })
      expect(next.inbox).toBeUndefined()
      expect(effects).toEqual([...enterWaiting(), ...enterRunning('WAITING'), RUN_STEP])
    })

    it('waits through steps that wait on something else, and is taken by the wait for it', () => {
      const s = waiting(at('second'), { awaiting: [pending('kid', child('c-1'))] })
      const kept = feed(s, Events.resume('v'))
      // The child settles: the process goes on, not resumed, and keeps the resume.
      const after = feed(kept, Events.awaitableSettled(0, { y: 1 }))
      expect(after.state).toMatchObject({ _tag: 'RUNNING', resumed: false })
      expect(after.inbox).toEqual([{ payload: 'v' }])
      const next = feed(after, Events.stepStarted(), stepDone(waitAt(at('third'))))
      expect(next.state).toEqual({ _tag: 'RUNNING', position: at('third', 'v'), resumed: true })
      expect(next.inbox).toBeUndefined()
    })

    it('answers a generator step suspended on waitForResume with the kept value', () => {
      const kept = feed(running(), Events.resume(3), Events.stepStarted())
      const [next] = transition(kept, stepDone(waitAt(at('run'), { asked: 'resume' })))
      expect(next.state).toMatchObject({
        _tag: 'RUNNING',
        resumed: true,
        position: { journal: { entries: [{ asked: 'resume', answer: 3 }] } },
      })
    })

    it('leaves kept named signals in the inbox, and named waits leave the resume', () => {
      const kept = feed(
        running(),
        Events.signal('go', 1),
        Events.resume('r'),
        Events.signal('stop', 2),
        Events.stepStarted(),
      )
      const onGo = feed(
        kept,
        stepDone(waitAt(at('next'), { awaiting: [pending('go', { _tag: 'Signal', name: 'go' })] })),
      )
      expect(onGo.inbox).toEqual([{ payload: 'r' }, { name: 'stop', payload: 2 }])
      const resumed = feed(onGo, Events.stepStarted(), stepDone(waitAt(at('last'))))
      expect(resumed.state).toMatchObject({ position: at('last', 'r'), resumed: true })
      expect(resumed.inbox).toEqual([{ name: 'stop', payload: 2 }])
    })

    it('is taken while the step asked for a pause, which then applies to the resumed RUNNING', () => {
      const kept = feed(running(), Events.resume(1), Events.stepStarted(), Events.pause('hold'))
      const [next, effects] = transition(kept, stepDone(waitAt(at('next'))))
      expect([next.state, next.paused]).toEqual([
        { _tag: 'RUNNING', position: at('next', 1), resumed: true },
        true,
      ])
      expect(effects).not.toContainEqual(RUN_STEP)
    })

    it('is kept by a paused process that does not wait for a resume', () => {
      const s = paused(running())
      expect(transition(s, Events.resume(1))).toEqual([{ ...s, inbox: [{ payload: 1 }] }, KEPT])
    })
  })

  describe('a duplicate right after a resume', () => {
    it('changes nothing, between steps and while the resumed step runs, and answers true', () => {
      const resumed = feed(waiting(), Events.resume(1))
      for (const s of [resumed, feed(resumed, Events.stepStarted())]) {
        const [next, effects] = transition(s, Events.resume(2))
        expect(next).toBe(s)
        expect(effects).toEqual([reply(true)])
      }
    })

    it('changes nothing after a kept resume was delivered either', () => {
      const delivered = feed(
        running(),
        Events.resume(1),
        Events.stepStarted(),
        stepDone(waitAt(at('next'))),
      )
      const [next, effects] = transition(delivered, Events.resume(2))
      expect(next).toBe(delivered)
      expect(effects).toEqual([reply(true)])
    })

    it('is over once the resumed step has gone on: a resume then is kept again', () => {
      const after = feed(
        waiting(),
        Events.resume(1),
        Events.stepStarted(),
        stepDone(continueTo(at('more'))),
      )
      expect(transition(after, Events.resume(2))[1]).toEqual(KEPT)
    })
  })

  describe('refused once terminated', () => {
    const ended = {
      FINISHED: () => finished(),
      KILLED: () => killedState(),
      EXCEPTED: () => exceptedState(),
      'FINISHED (not yet closed)': () => feed(stepping(), stepDone(stopWith(1))),
    }
    for (const [name, build] of Object.entries(ended))
      it(`refuses it in ${name}, as a signal is refused, leaving the snapshot as it is`, () => {
        const s = build()
        const [next, effects] = transition(s, Events.resume(1))
        expect(next).toBe(s)
        expect(effects).toEqual([
          {
            _tag: 'Reject',
            error: {
              name: 'InvalidStateError',
              message: `process pid-1 has terminated (${s.state._tag}): resume refused`,
            },
          },
        ])
      })
  })

  describe('paused while it waits for a resume', () => {
    it('keeps the first value in the state until play, and never in the inbox', () => {
      const held = paused(waiting(at('next')))
      const [s, effects] = transition(held, Events.resume(1))
      expect(s.state).toEqual({ ...held.state, resumedWith: { value: 1 } })
      expect([s.inbox, effects]).toEqual([undefined, [reply(true)]])
      expect(transition(s, Events.resume(2))).toEqual([s, [reply(true)]])
      const [played, playEffects] = transition(s, Events.play())
      expect(playEffects.at(-1)).toEqual({ _tag: 'Raise', event: Events.resume(1) })
      const [resumed, resumeEffects] = transition(played, Events.resume(1))
      expect(resumed.state).toEqual({ _tag: 'RUNNING', position: at('next', 1), resumed: true })
      expect(hooks(resumeEffects)).toEqual(['onExitWaiting', 'onRun', 'onRunning'])
    })
  })
})
