/**
 * The reducer on `pause` and `play` (SEMANTICS.md "Pause, play, kill"): answered at once
 * (`Reply`) when no step runs, deferred while one does (`Defer`, then `Settle` after the step's
 * own transition); `play` restores the status or cancels a pending pause.
 */
import { describe, expect, it } from 'vitest'
import { Events } from '../../lib/process/events.js'
import { transition } from '../../lib/process/transition.js'
import {
  RUN_STEP,
  at,
  boom,
  continueTo,
  created,
  defer,
  enterRunning,
  RAISE_CLOSE,
  enterTerminal,
  exceptedState,
  feed,
  finished,
  killedState,
  pausedEffects,
  paused,
  playedEffects,
  reply,
  running,
  settle,
  stepDone,
  stepping,
  stopWith,
  tagOf,
  waitAt,
  waiting,
} from './builders.js'

describe('transition', () => {
  describe('pause', () => {
    it('answers false for a terminated process, closed or not', () => {
      for (const s of [finished(), killedState(), exceptedState(), finished(1, false)]) {
        const [next, effects] = transition(s, Events.pause('p'))
        expect(next).toBe(s)
        expect(effects).toEqual([reply(false)])
      }
    })

    it('answers true for a process already paused, changing nothing', () => {
      const s = paused(running(), 'first')
      const [next, effects] = transition(s, Events.pause('second'))
      expect(next).toBe(s)
      expect(effects).toEqual([reply(true)])
      expect(next.status).toBe('first')
    })

    const notStepping = {
      CREATED: () => created(at('run'), { status: 'before' }),
      'RUNNING between steps': () => feed(running(), Events.setStatus('before')),
      WAITING: () => feed(waiting(), Events.setStatus('before')),
    }
    for (const [name, build] of Object.entries(notStepping))
      it(`pauses a ${name} process at once, keeping the pre-pause status`, () => {
        const before = build()
        const [s, effects] = transition(before, Events.pause('hold on'))
        expect(s.paused).toBe(true)
        expect(s.state).toEqual(before.state)
        expect(s.status).toBe('hold on')
        expect(s.prePauseStatus).toBe('before')
        expect(effects).toEqual([...pausedEffects('hold on'), reply(true)])
      })

    it('defers a pause asked for during a step', () => {
      const [s, effects] = transition(stepping(), Events.pause('later'))
      expect(s.paused).toBe(false)
      expect(s.pendingPause).toEqual({ message: 'later' })
      expect(effects).toEqual([defer('pause')])
    })

    it('defers a second pause during the same step, keeping the first message', () => {
      const s = feed(stepping(), Events.pause('first'))
      const [next, effects] = transition(s, Events.pause('second'))
      expect(next.pendingPause).toEqual({ message: 'first' })
      expect(effects).toEqual([defer('pause')])
    })

    it("applies a deferred pause after the step's own transition, without taking the next step", () => {
      const s = feed(stepping(), Events.pause('later'))
      const [next, effects] = transition(s, stepDone(continueTo(at('next'))))
      expect(next.state).toEqual({ _tag: 'RUNNING', position: at('next'), resumed: false })
      expect(next.paused).toBe(true)
      expect(next.pendingPause).toBeUndefined()
      expect(next.status).toBe('later')
      expect(effects).toEqual([
        ...enterRunning('RUNNING'),
        ...pausedEffects('later'),
        settle('pause', true),
      ])
    })

    it('applies a deferred pause after a step that waits', () => {
      const s = feed(stepping(), Events.pause('later'))
      const next = feed(s, stepDone(waitAt(at('next'))))
      expect(tagOf(next)).toBe('WAITING')
      expect(next.paused).toBe(true)
    })

    it('settles a deferred pause false when the step failed: EXCEPTED, not paused', () => {
      // A pause answers false for a terminated process; one asked for during the step is no
      // different once the step has ended the process.
      const s = feed(stepping(), Events.pause('later'))
      const [next, effects] = transition(s, Events.stepFailed(boom()))
      expect(tagOf(next)).toBe('EXCEPTED')
      expect(next.paused).toBe(false)
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'EXCEPTED', error: boom() }),
        settle('pause', false),
        RAISE_CLOSE,
      ])
    })

    it('leaves a process FINISHED and paused when the paused step was its last', () => {
      const s = feed(stepping(), Events.pause('later'))
      const [next, effects] = transition(s, stepDone(stopWith(1)))
      expect(tagOf(next)).toBe('FINISHED')
      expect(next.paused).toBe(true)
      // The pause settles before the process is closed, which settles whatever is left as failed.
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'FINISHED', result: 1, successful: true }),
        ...pausedEffects('later'),
        settle('pause', true),
        RAISE_CLOSE,
      ])
    })

    it('takes no step while paused: a paused RUNNING process never asks for one', () => {
      const s = paused(running())
      for (const event of [Events.setStatus('x'), Events.pause(), Events.resume()]) {
        const [, effects] = transition(s, event)
        expect(effects).not.toContainEqual(RUN_STEP)
      }
    })
  })

  describe('play', () => {
    it('unpauses, restores the pre-pause status and asks for the next step', () => {
      const s = paused(feed(running(), Events.setStatus('working')), 'hold on')
      const [next, effects] = transition(s, Events.play())
      expect(next.paused).toBe(false)
      expect(next.status).toBe('working')
      expect(next.prePauseStatus).toBeUndefined()
      expect(effects).toEqual([...playedEffects(), reply(true), RUN_STEP])
    })

    it('restores an absent status as absent', () => {
      const next = feed(paused(running(), 'hold on'), Events.play())
      expect(next.status).toBeUndefined()
    })

    it('unpauses a WAITING process without asking for a step', () => {
      const [next, effects] = transition(paused(waiting()), Events.play())
      expect(next.paused).toBe(false)
      expect(effects).toEqual([...playedEffects(), reply(true)])
    })

    it('unpauses a process that is FINISHED and paused', () => {
      const s = feed(stepping(), Events.pause(), stepDone(stopWith(1)))
      const [next, effects] = transition(s, Events.play())
      expect(next.paused).toBe(false)
      expect(effects).not.toContainEqual(RUN_STEP)
    })

    it('cancels a pause pending during the step: it settles false and never applies', () => {
      const s = feed(stepping(), Events.pause('later'))
      const [cancelled, effects] = transition(s, Events.play())
      expect(cancelled.pendingPause).toBeUndefined()
      expect(effects).toEqual([settle('pause', false), reply(true)])
      const [next, after] = transition(cancelled, stepDone(continueTo(at('next'))))
      expect(next.paused).toBe(false)
      expect(after).toEqual([...enterRunning('RUNNING'), RUN_STEP])
    })

    it('answers true and changes nothing for a process that is not paused', () => {
      const s = running()
      const [next, effects] = transition(s, Events.play())
      expect(next).toBe(s)
      expect(effects).toEqual([reply(true)])
    })
  })
})
