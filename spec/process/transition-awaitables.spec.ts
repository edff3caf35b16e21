/**
 * The reducer on awaitables (ToContext results in the context, in any settling order), on
 * failures and closing of terminal processes, and on the status text.
 */
import { describe, expect, it } from 'vitest'
import { Events } from '../../lib/process/events.js'
import type { Position } from '../../lib/process/position.js'
import type { Pending } from '../../lib/process/state.js'
import { collectResults, transition } from '../../lib/process/transition.js'
import {
  RUN_STEP,
  at,
  boom,
  child,
  created,
  effectsOf,
  enterRunning,
  RAISE_CLOSE,
  closing,
  enterTerminal,
  exceptedState,
  feed,
  finished,
  killedState,
  paused,
  pending,
  running,
  stepDone,
  stepping,
  stopWith,
  tagOf,
  waitAt,
  waiting,
} from './builders.js'

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
      )

/**
 * A WAITING process whose step registered `awaiting`, with `ctx` as its context; `asked` when a
 * generator step suspended inside itself on them.
 */
const waitingOn = (
  awaiting: readonly Pending[],
  ctx: unknown = {},
  position = at('next'),
  asked?: string,
) => waiting(position, { awaiting, ctx, ...(asked === undefined ? {} : { asked }) })

describe('transition', () => {
  describe('awaitables', () => {
    it('asks the host to watch each awaitable when WAITING is entered', () => {
      const awaiting = [pending('a'), pending('b', child('c1'))]
      const [s, effects] = transition(
        stepping(),
        stepDone(waitAt(at('next'), { awaiting }), { ctx: {} }),
      )
      expect(tagOf(s)).toBe('WAITING')
      expect(effectsOf(effects, 'Await')).toEqual([
        { _tag: 'Await', slot: 0, ref: awaiting[0]?.ref },
        { _tag: 'Await', slot: 1, ref: child('c1') },
      ])
    })

    it('stays WAITING, with no effect, until the last awaitable has settled', () => {
      const s = waitingOn([pending('a'), pending('b')])
      const [next, effects] = transition(s, Events.awaitableSettled(1, 'B'))
      expect(tagOf(next)).toBe('WAITING')
      expect(next.state._tag === 'WAITING' && next.state.awaiting[1]).toMatchObject({
        done: true,
        value: 'B',
      })
      expect(effects).toEqual([])
    })

    it('runs the next step once all have settled, their results in the context', () => {
      const s = waitingOn([pending('a'), pending('b')], { kept: true })
      const [next, effects] = transition(
        feed(s, Events.awaitableSettled(0, 'A')),
        Events.awaitableSettled(1, 'B'),
      )
      expect(next.state).toEqual({ _tag: 'RUNNING', position: at('next'), resumed: false })
      expect(next.ctx).toEqual({ kept: true, a: 'A', b: 'B' })
      expect(Object.isFrozen(next.ctx)).toBe(true)
      expect(effects).toEqual([...enterRunning('WAITING'), RUN_STEP])
    })

    it('gives the same context whatever order the awaitables settle in', () => {
      const awaiting = [
        pending('list', child('c0'), true),
        pending('a'),
        pending('list', child('c2'), true),
        pending('a', child('c3')),
      ]
      const values = ['L0', 'A1', 'L2', 'A3']
      const contexts = permutations([0, 1, 2, 3]).map((order) => {
        const s = feed(
          waitingOn(awaiting, { list: ['old'] }),
          ...order.map((slot) => Events.awaitableSettled(slot, values[slot])),
        )
        expect(tagOf(s)).toBe('RUNNING')
        return s.ctx
      })
      // Appended keys collect in registration order after what was there; later keys overwrite.
      for (const ctx of contexts) expect(ctx).toEqual({ list: ['old', 'L0', 'L2'], a: 'A3' })
    })

    it('starts a new list for an appended key the context does not hold', () => {
      const s = feed(
        waitingOn([pending('xs', child('c0'), true)], { xs: 'not a list' }),
        Events.awaitableSettled(0, 1),
      )
      expect(s.ctx).toEqual({ xs: [1] })
    })

    it('hands the results to a generator step suspended inside itself through its journal', () => {
      const earlier = { asked: 'resume', answer: 'earlier' }
      const position: Position = { ...at('gen'), journal: { entries: [earlier] } }
      const asked = 'toContext(a=promise,xs+=launch:C#00000000)'
      const s = waitingOn(
        [pending('a'), pending('xs', child('c'), true)],
        { xs: [0] },
        position,
        asked,
      )
      const next = feed(s, Events.awaitableSettled(1, 9), Events.awaitableSettled(0, 'A'))
      expect(next.ctx).toEqual({ xs: [0] })
      const answer = { a: 'A', xs: [9] }
      expect(next.state).toEqual({
        _tag: 'RUNNING',
        position: { ...at('gen'), journal: { entries: [earlier, { asked, answer }] } },
        resumed: false,
      })
    })

    it('sends the process to EXCEPTED with the error of the first failing awaitable', () => {
      const s = waitingOn([pending('a'), pending('b'), pending('c')])
      const [failed, effects] = transition(
        feed(s, Events.awaitableSettled(0, 'A')),
        Events.awaitableFailed(2, boom('child died')),
      )
      expect(failed.state).toEqual({ _tag: 'EXCEPTED', error: boom('child died') })
      expect(effects).toEqual([
        ...enterTerminal('WAITING', { _tag: 'EXCEPTED', error: boom('child died') }),
        RAISE_CLOSE,
      ])
      for (const later of [
        Events.awaitableFailed(1, boom('second')),
        Events.awaitableSettled(1, 1),
      ]) {
        const [after, none] = transition(failed, later)
        expect(after).toBe(failed)
        expect(none).toEqual([])
      }
    })

    it('goes to EXCEPTED when a slot settles twice', () => {
      const s = feed(waitingOn([pending('a'), pending('b')]), Events.awaitableSettled(0, 1))
      expect(feed(s, Events.awaitableSettled(0, 2)).state).toMatchObject({
        _tag: 'EXCEPTED',
        error: { name: 'IllegalMoveError' },
      })
    })

    it('goes to EXCEPTED when an unknown slot settles or fails', () => {
      const s = waitingOn([pending('a')])
      for (const event of [
        Events.awaitableSettled(5, 1),
        Events.awaitableSettled(-1, 1),
        Events.awaitableFailed(3, boom()),
      ])
        expect(tagOf(feed(s, event))).toBe('EXCEPTED')
    })

    it('goes to EXCEPTED when an awaitable settles while the process is not WAITING', () => {
      expect(tagOf(feed(running(), Events.awaitableSettled(0, 1)))).toBe('EXCEPTED')
      expect(tagOf(feed(created(), Events.awaitableFailed(0, boom())))).toBe('EXCEPTED')
    })

    it('ignores awaitables that settle after the process was killed', () => {
      const s = feed(waitingOn([pending('a', child('c'))]), Events.kill('k'))
      const [next, effects] = transition(s, Events.awaitableSettled(0, 1))
      expect(next).toBe(s)
      expect(effects).toEqual([])
    })

    it('keeps a paused process from stepping when its awaitables settle', () => {
      const s = paused(waitingOn([pending('a')]))
      const [next, effects] = transition(s, Events.awaitableSettled(0, 1))
      expect(tagOf(next)).toBe('RUNNING')
      expect(next.paused).toBe(true)
      expect(effects).not.toContainEqual(RUN_STEP)
    })
  })

  describe('failures and closing', () => {
    it('turns a FINISHED process that is not closed yet EXCEPTED on a failure', () => {
      const s = finished(42, false)
      const [next, effects] = transition(s, Events.fail(boom('onFinished threw')))
      expect(next.state).toEqual({ _tag: 'EXCEPTED', error: boom('onFinished threw') })
      expect(effects).toEqual([
        ...enterTerminal('FINISHED', { _tag: 'EXCEPTED', error: boom('onFinished threw') }),
        RAISE_CLOSE,
      ])
    })

    it('turns a KILLED process that is not closed yet EXCEPTED on a failure', () => {
      const [next] = transition(killedState('k', false), Events.fail(boom('onKilled threw')))
      expect(next.state).toEqual({ _tag: 'EXCEPTED', error: boom('onKilled threw') })
    })

    it('keeps the first error of an EXCEPTED process and logs the later one', () => {
      const s = exceptedState(boom('first'), false)
      const [next, effects] = transition(s, Events.fail(boom('second')))
      expect(next).toBe(s)
      expect(effects).toEqual([
        { _tag: 'Log', level: 'error', message: expect.stringMatching(/second/) },
      ])
    })

    it('changes nothing once closed: a failure is only logged', () => {
      for (const s of [finished(), killedState(), exceptedState()]) {
        const [next, effects] = transition(s, Events.fail(boom('late')))
        expect(next).toBe(s)
        expect(effects.map((e) => e._tag)).toEqual(['Log'])
      }
    })

    it('fails a RUNNING process during its step: EXCEPTED, not stepping any more', () => {
      const [next] = transition(stepping(), Events.fail(boom('hook')))
      expect(next.state).toEqual({ _tag: 'EXCEPTED', error: boom('hook') })
      expect(next.stepping).toBe(false)
    })

    it('closes a terminal process once, with its closing hooks; closing again changes nothing', () => {
      const s = finished(1, false)
      const [closed, effects] = transition(s, Events.close())
      expect(closed.closed).toBe(true)
      expect(closed.state).toBe(s.state)
      expect(effects).toEqual(closing())
      const [again, more] = transition(closed, Events.close())
      expect(again).toBe(closed)
      expect(more).toEqual([])
    })

    it('ignores a late step completion after a failure made the process EXCEPTED', () => {
      const s = feed(stepping(), Events.fail(boom()))
      const [next, effects] = transition(s, stepDone(stopWith(1)))
      expect(next.state).toEqual(s.state)
      expect(effects.map((e) => e._tag)).toEqual(['Log'])
    })
  })

  describe('status text', () => {
    it('starts with the status given at creation', () => {
      expect(created(at('run'), { status: 'new' }).status).toBe('new')
    })

    it('sets and clears the free status text in any state', () => {
      for (const s of [created(), running(), waiting(), finished()]) {
        const [set, effects] = transition(s, Events.setStatus('busy'))
        expect(set.status).toBe('busy')
        expect(set.state).toBe(s.state)
        expect(effects).toEqual([])
        expect(feed(set, Events.setStatus(undefined)).status).toBeUndefined()
      }
    })

    it('keeps the status across steps', () => {
      const s = feed(
        running(),
        Events.setStatus('busy'),
        Events.stepStarted(),
        stepDone(waitAt(at('next'))),
      )
      expect(s.status).toBe('busy')
    })

    it('shows the pause message while paused and restores the status on play', () => {
      const s = feed(
        waiting(),
        Events.setStatus('waiting for data'),
        Events.pause('paused by user'),
      )
      expect(s.status).toBe('paused by user')
      expect(feed(s, Events.play()).status).toBe('waiting for data')
    })

    it('shows the kill message once killed, also when killed while paused', () => {
      const s = feed(running(), Events.setStatus('busy'), Events.pause('p'), Events.kill('gone'))
      expect(s.status).toBe('gone')
    })
  })
})

describe('collectResults', () => {
  it('assigns plain keys and extends the lists of appended keys from the base', () => {
    const done = (key: string, value: unknown, append = false): Pending => ({
      ...pending(key, child(key), append),
      done: true,
      value,
    })
    expect(
      collectResults([done('a', 1), done('xs', 2, true), done('a', 3), done('xs', 4, true)], {
        xs: [1],
      }),
    ).toEqual({ a: 3, xs: [1, 2, 4] })
  })
})
