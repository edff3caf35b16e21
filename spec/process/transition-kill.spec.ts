/**
 * The reducer on `kill` (SEMANTICS.md "Pause, play, kill"): at once when no step runs, after the
 * step when graceful, at once by force (the step's completion discarded); kill wins over a
 * pending pause and asks to kill the children a WAITING process awaits.
 */
import { describe, expect, it } from 'vitest'
import { Events } from '../../lib/process/events.js'
import { transition } from '../../lib/process/transition.js'
import {
  RUN_STEP,
  at,
  boom,
  child,
  continueTo,
  defer,
  effectsOf,
  RAISE_CLOSE,
  enterTerminal,
  hook,
  exceptedState,
  feed,
  finished,
  killedState,
  paused,
  pending,
  promiseRef,
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
  describe('kill', () => {
    it('answers true for a process already KILLED, changing nothing', () => {
      for (const s of [killedState('first'), killedState('first', false)]) {
        const [next, effects] = transition(s, Events.kill('second'))
        expect(next).toBe(s)
        expect(effects).toEqual([reply(true)])
      }
    })

    it('answers false for a FINISHED or EXCEPTED process', () => {
      for (const s of [
        finished(),
        exceptedState(),
        finished(1, false),
        exceptedState(boom(), false),
      ]) {
        const [next, effects] = transition(s, Events.kill('x', true))
        expect(next).toBe(s)
        expect(effects).toEqual([reply(false)])
      }
    })

    it('kills a RUNNING process between steps at once', () => {
      const [s, effects] = transition(running(), Events.kill('bye'))
      expect(s.state).toEqual({ _tag: 'KILLED', message: 'bye' })
      expect(s.status).toBe('bye')
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'KILLED', message: 'bye' }),
        reply(true),
        RAISE_CLOSE,
      ])
    })

    it('kills a WAITING process at once', () => {
      const [s, effects] = transition(waiting(), Events.kill('bye'))
      expect(tagOf(s)).toBe('KILLED')
      expect(effects.slice(-2)).toEqual([reply(true), RAISE_CLOSE])
    })

    it('kills a paused process at once, and it is no longer paused', () => {
      const [s, effects] = transition(paused(running()), Events.kill('bye'))
      expect(tagOf(s)).toBe('KILLED')
      expect(s.paused).toBe(false)
      expect(s.status).toBe('bye')
      expect(effects).toContainEqual(reply(true))
      expect(effects).not.toContainEqual(RUN_STEP)
    })

    it('defers a graceful kill during a step', () => {
      const [s, effects] = transition(stepping(), Events.kill('later'))
      expect(tagOf(s)).toBe('RUNNING')
      expect(s.pendingKill).toEqual({ message: 'later' })
      expect(effects).toEqual([defer('kill')])
    })

    it('applies a deferred kill when the step ends: KILLED instead of its next state', () => {
      const s = feed(stepping(), Events.kill('later'))
      const [next, effects] = transition(s, stepDone(continueTo(at('next')), { ctx: { n: 1 } }))
      expect(next.state).toEqual({ _tag: 'KILLED', message: 'later' })
      expect(next.ctx).toEqual({ n: 1 })
      expect(next.status).toBe('later')
      expect(next.pendingKill).toBeUndefined()
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'KILLED', message: 'later' }),
        settle('kill', true),
        RAISE_CLOSE,
      ])
    })

    it('applies a deferred kill instead of the wait of a step, killing the children it started', () => {
      const s = feed(stepping(), Events.kill('later'))
      const awaiting = [pending('c', child('child-1')), pending('p', promiseRef('p'))]
      const [next, effects] = transition(s, stepDone(waitAt(at('next'), { awaiting })))
      expect(tagOf(next)).toBe('KILLED')
      expect(effectsOf(effects, 'StateChanged').map((e) => `${e.from}>${e.to}`)).toEqual([
        'RUNNING>KILLED',
      ])
      expect(effectsOf(effects, 'KillChildren')).toEqual([
        { _tag: 'KillChildren', pids: ['child-1'], message: 'later' },
      ])
      expect(effectsOf(effects, 'Await')).toEqual([])
    })

    it('applies a deferred kill instead of the finish of a last step: KILLED, settled true', () => {
      const s = feed(stepping(), Events.kill('later'))
      const [next, effects] = transition(s, stepDone(stopWith(1)))
      expect(next.state).toEqual({ _tag: 'KILLED', message: 'later' })
      expect(effects).toContainEqual(settle('kill', true))
      expect(effects).not.toContainEqual(hook('onFinish', 1, true))
    })

    it('settles a deferred kill true when the step itself returned Kill', () => {
      const s = feed(stepping(), Events.kill('later'))
      const [next, effects] = transition(s, stepDone({ _tag: 'Kill', message: 'mine' }))
      expect(next.state).toEqual({ _tag: 'KILLED', message: 'mine' })
      expect(effects).toContainEqual(settle('kill', true))
    })

    it('wins over a pending pause: KILLED, the pause settles false', () => {
      for (const requests of [
        [Events.pause('p'), Events.kill('k')],
        [Events.kill('k'), Events.pause('p')],
      ]) {
        const s = feed(stepping(), ...requests)
        const [next, effects] = transition(s, stepDone(continueTo(at('next'))))
        expect(tagOf(next)).toBe('KILLED')
        expect(next.paused).toBe(false)
        expect(next.pendingPause).toBeUndefined()
        expect(effectsOf(effects, 'Settle')).toEqual([settle('kill', true), settle('pause', false)])
        expect(effects).not.toContainEqual(RUN_STEP)
      }
    })

    it('kills at once by force during a step; the step is still counted as running', () => {
      const [s, effects] = transition(stepping(), Events.kill('now', true))
      expect(s.state).toEqual({ _tag: 'KILLED', message: 'now' })
      expect(s.stepping).toBe(true)
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'KILLED', message: 'now' }),
        reply(true),
        RAISE_CLOSE,
      ])
    })

    it('discards the completion of a step that was killed by force, even after closing', () => {
      for (const closed of [false, true]) {
        const killed = feed(stepping(), Events.kill('now', true))
        const s = closed ? feed(killed, Events.close()) : killed
        const [next, effects] = transition(
          s,
          stepDone(continueTo(at('next')), { ctx: { n: 1 }, outputs: { y: 1 } }),
        )
        expect(next.state).toEqual({ _tag: 'KILLED', message: 'now' })
        expect(next.ctx).toEqual({})
        expect(next.outputs).toEqual({})
        expect(next.stepping).toBe(false)
        expect(effects).toEqual([])
      }
    })

    it('discards the failure of a step that was killed by force', () => {
      const s = feed(stepping(), Events.kill('now', true))
      const [next, effects] = transition(s, Events.stepFailed(boom()))
      expect(tagOf(next)).toBe('KILLED')
      expect(effects).toEqual([])
    })

    it('settles pending requests when a force kill overtakes them', () => {
      const s = feed(stepping(), Events.pause('p'), Events.kill('graceful'))
      const [next, effects] = transition(s, Events.kill('force', true))
      expect(next.state).toEqual({ _tag: 'KILLED', message: 'force' })
      expect(effectsOf(effects, 'Settle')).toEqual([settle('pause', false), settle('kill', true)])
    })

    it('asks to kill the unfinished children of a WAITING process', () => {
      const s = waiting(at('next'), {
        awaiting: [
          pending('a', child('child-a')),
          pending('b', child('child-b')),
          pending('p', promiseRef('p')),
          pending('c', child('child-c')),
        ],
      })
      const partly = feed(s, Events.awaitableSettled(0, { out: 1 }))
      const [next, effects] = transition(partly, Events.kill('stop all'))
      expect(tagOf(next)).toBe('KILLED')
      expect(effectsOf(effects, 'KillChildren')).toEqual([
        { _tag: 'KillChildren', pids: ['child-b', 'child-c'], message: 'stop all' },
      ])
    })

    it('asks to kill the children registered by a step that was killed while it ran', () => {
      const s = feed(stepping(), Events.kill('later'))
      const awaiting = [pending('a', child('child-a')), pending('p', promiseRef('p'))]
      const [next, effects] = transition(s, stepDone(waitAt(at('next'), { awaiting })))
      expect(tagOf(next)).toBe('KILLED')
      expect(effectsOf(effects, 'KillChildren')).toEqual([
        { _tag: 'KillChildren', pids: ['child-a'], message: 'later' },
      ])
    })

    it('asks to kill no child when the process waits on none', () => {
      const s = waiting(at('next'), { awaiting: [pending('p', promiseRef('p'))] })
      const [, effects] = transition(s, Events.kill())
      expect(effectsOf(effects, 'KillChildren')).toEqual([])
    })
  })
})
