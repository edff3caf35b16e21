/**
 * The reducer (`transition`), by area — this file: the legal moves of SEMANTICS.md "Process
 * lifecycle", what a step's outcome makes of the state, and illegal moves going to EXCEPTED.
 * The other areas: `transition-run` (hook order, resume), `transition-pause` (pause, play),
 * `transition-kill`, `transition-awaitables` (awaitables, failures, closing, status text) and
 * `transition.property` (properties over random event sequences).
 */
import { describe, expect, it } from 'vitest'
import { Events } from '../../lib/process/events.js'
import { STATE_NAMES, isLegalMove, type StateName } from '../../lib/process/state.js'
import { creationEffects, transition } from '../../lib/process/transition.js'
import {
  RAISE_CLOSE,
  RUN_STEP,
  at,
  boom,
  continueTo,
  created,
  enterRunning,
  enterTerminal,
  enterWaiting,
  exceptedState,
  feed,
  finished,
  hook,
  killWith,
  killedState,
  paused,
  reply,
  running,
  stepDone,
  stepping,
  stopWith,
  waitAt,
  waiting,
} from './builders.js'

describe('isLegalMove', () => {
  const table: Record<StateName, StateName[]> = {
    CREATED: ['RUNNING', 'KILLED', 'EXCEPTED'],
    RUNNING: ['RUNNING', 'WAITING', 'FINISHED', 'KILLED', 'EXCEPTED'],
    WAITING: ['RUNNING', 'WAITING', 'FINISHED', 'KILLED', 'EXCEPTED'],
    FINISHED: [],
    EXCEPTED: [],
    KILLED: [],
  }
  for (const from of STATE_NAMES)
    for (const to of STATE_NAMES) {
      const legal = table[from].includes(to)
      it(`says ${from} -> ${to} is ${legal ? 'legal' : 'illegal'}`, () => {
        expect(isLegalMove(from, to)).toBe(legal)
      })
    }
})

describe('creationEffects', () => {
  it('tells the listeners and announces the first state (onCreate ran before, in create)', () => {
    expect(creationEffects()).toEqual([
      { _tag: 'Notify', event: { _tag: 'created' } },
      { _tag: 'StateChanged', from: null, to: 'CREATED' },
    ])
  })
})

describe('transition', () => {
  describe('legal moves', () => {
    it('starts a CREATED process: RUNNING at its first position, and asks for the step', () => {
      const [s, effects] = transition(created(at('run', 1)), Events.start())
      expect(s.state).toEqual({ _tag: 'RUNNING', position: at('run', 1), resumed: false })
      expect(effects).toEqual([...enterRunning('CREATED'), RUN_STEP])
    })

    it('kills a CREATED process: KILLED and closing', () => {
      const [s, effects] = transition(created(), Events.kill('no'))
      expect(s.state).toEqual({ _tag: 'KILLED', message: 'no' })
      expect(effects).toEqual([
        ...enterTerminal('CREATED', { _tag: 'KILLED', message: 'no' }),
        reply(true),
        RAISE_CLOSE,
      ])
    })

    it('fails a CREATED process: EXCEPTED with the error', () => {
      const [s, effects] = transition(created(), Events.fail(boom('hook')))
      expect(s.state).toEqual({ _tag: 'EXCEPTED', error: boom('hook') })
      expect(effects).toEqual([
        ...enterTerminal('CREATED', { _tag: 'EXCEPTED', error: boom('hook') }),
        RAISE_CLOSE,
      ])
    })

    it('marks the process as stepping when its step starts, and asks for the step to run', () => {
      const [s, effects] = transition(running(), Events.stepStarted())
      expect(s.stepping).toBe(true)
      expect(s.state).toEqual(running().state)
      expect(effects).toEqual([{ _tag: 'ExecuteStep' }])
    })

    it('moves RUNNING -> RUNNING on Continue, with the new position and context', () => {
      const [s, effects] = transition(
        stepping(),
        stepDone(continueTo(at('next', 1, 2, 3)), { ctx: { n: 1 }, outputs: { y: 2 } }),
      )
      expect(s.state).toEqual({ _tag: 'RUNNING', position: at('next', 1, 2, 3), resumed: false })
      expect(s.stepping).toBe(false)
      expect(s.ctx).toEqual({ n: 1 })
      expect(s.outputs).toEqual({ y: 2 })
      expect(effects).toEqual([...enterRunning('RUNNING'), RUN_STEP])
    })

    it('moves RUNNING -> WAITING on Wait, keeping the message and data, without a step', () => {
      const [s, effects] = transition(
        stepping(),
        stepDone(waitAt(at('next'), { message: 'for you', data: { n: 1 } })),
      )
      expect(s.state).toEqual({
        _tag: 'WAITING',
        position: at('next'),
        message: 'for you',
        data: { n: 1 },
        awaiting: [],
      })
      expect(effects).toEqual(enterWaiting())
    })

    it('moves RUNNING -> FINISHED on Stop, successful, with the result', () => {
      const [s, effects] = transition(stepping(), stepDone(stopWith(42), { outputs: { y: 1 } }))
      expect(s.state).toEqual({
        _tag: 'FINISHED',
        result: 42,
        successful: true,
        exitStatus: 0,
        exitMessage: undefined,
      })
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'FINISHED', result: 42, successful: true }, { y: 1 }),
        RAISE_CLOSE,
      ])
    })

    it('moves RUNNING -> FINISHED, not successful, on an unsuccessful Stop', () => {
      const [s] = transition(stepping(), stepDone(stopWith('meh', { successful: false })))
      expect(s.state).toMatchObject({ _tag: 'FINISHED', result: 'meh', successful: false })
    })

    it('moves RUNNING -> FINISHED, not successful, on a non-zero exit status', () => {
      const [s, effects] = transition(
        stepping(),
        stepDone(stopWith(undefined, { exitStatus: 300, exitMessage: 'negative' })),
      )
      expect(s.state).toEqual({
        _tag: 'FINISHED',
        result: undefined,
        successful: false,
        exitStatus: 300,
        exitMessage: 'negative',
      })
      expect(effects).toContainEqual(hook('onFinish', undefined, false))
    })

    it('moves RUNNING -> KILLED on Kill from the body, the message becoming the status', () => {
      const [s, effects] = transition(stepping(), stepDone(killWith('I was killed')))
      expect(s.state).toEqual({ _tag: 'KILLED', message: 'I was killed' })
      expect(s.status).toBe('I was killed')
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'KILLED', message: 'I was killed' }),
        RAISE_CLOSE,
      ])
    })

    it('moves RUNNING -> EXCEPTED when the step fails', () => {
      const [s, effects] = transition(stepping(), Events.stepFailed(boom('bad step')))
      expect(s.state).toEqual({ _tag: 'EXCEPTED', error: boom('bad step') })
      expect(s.stepping).toBe(false)
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'EXCEPTED', error: boom('bad step') }),
        RAISE_CLOSE,
      ])
    })

    it('moves WAITING -> RUNNING on resume', () => {
      const [s, effects] = transition(waiting(at('next')), Events.resume('v'))
      expect(s.state).toEqual({ _tag: 'RUNNING', position: at('next', 'v'), resumed: true })
      expect(effects).toEqual([reply(true), ...enterRunning('WAITING'), RUN_STEP])
    })

    it('moves WAITING -> KILLED on kill', () => {
      const [s, effects] = transition(waiting(), Events.kill('stop'))
      expect(s.state).toEqual({ _tag: 'KILLED', message: 'stop' })
      expect(effects).toEqual([
        ...enterTerminal('WAITING', { _tag: 'KILLED', message: 'stop' }),
        reply(true),
        RAISE_CLOSE,
      ])
    })

    it('moves WAITING -> EXCEPTED on a failure', () => {
      const [s, effects] = transition(waiting(), Events.fail(boom()))
      expect(s.state).toEqual({ _tag: 'EXCEPTED', error: boom() })
      expect(effects).toEqual([
        ...enterTerminal('WAITING', { _tag: 'EXCEPTED', error: boom() }),
        RAISE_CLOSE,
      ])
    })

    it('keeps the snapshot immutable: the input snapshot is never changed', () => {
      const before = stepping()
      const copy = structuredClone(before)
      transition(before, stepDone(continueTo(at('next')), { ctx: { n: 1 } }))
      expect(before).toEqual(copy)
    })
  })

  describe('illegal moves go to EXCEPTED', () => {
    const illegalMove = { _tag: 'EXCEPTED', error: { name: 'IllegalMoveError' } }

    it('rejects starting a RUNNING process', () => {
      const [s, effects] = transition(running(), Events.start())
      expect(s.state).toMatchObject(illegalMove)
      expect(effects).toContainEqual({ _tag: 'StateChanged', from: 'RUNNING', to: 'EXCEPTED' })
    })

    it('rejects starting a WAITING process', () => {
      expect(feed(waiting(), Events.start()).state).toMatchObject(illegalMove)
    })

    it('ignores a step asked for while WAITING, while another one runs, or while paused', () => {
      // A request for a step can be overtaken (by a pause, a kill, a wait): it is then stale.
      for (const s of [waiting(), stepping(), paused(running()), finished()])
        expect(transition(s, Events.stepStarted())).toEqual([s, []])
    })

    it('rejects a step completing when none was started', () => {
      const s = feed(running(), stepDone(continueTo(at('next'))))
      expect(s.state).toMatchObject(illegalMove)
      expect(s.state._tag === 'EXCEPTED' && s.state.error.message).toMatch(/RUNNING/)
    })

    it('rejects a step completing in CREATED', () => {
      expect(feed(created(), stepDone(stopWith(1))).state).toMatchObject(illegalMove)
    })

    it('rejects a step failing while WAITING', () => {
      expect(feed(waiting(), Events.stepFailed(boom())).state).toMatchObject(illegalMove)
    })

    it('rejects closing a process that has not terminated', () => {
      expect(feed(running(), Events.close()).state).toMatchObject(illegalMove)
      expect(feed(created(), Events.close()).state).toMatchObject(illegalMove)
    })

    it('leaves a terminal process as it is and logs the illegal event', () => {
      for (const s of [finished(), killedState(), exceptedState(), finished(1, false)]) {
        const [next, effects] = transition(s, Events.start())
        expect(next).toBe(s)
        expect(effects).toEqual([{ _tag: 'Log', level: 'warn', message: expect.any(String) }])
      }
    })
  })
})
