/**
 * What a step did besides its outcome (its deeds) applies with its transition: log lines,
 * outputs for hooks and listeners, checkpoints, and the pause or kill it asked for. A step that
 * fails keeps the outputs it emitted before failing.
 */
import { describe, expect, it } from 'vitest'
import { Events } from '../../lib/process/events.js'
import { transition } from '../../lib/process/transition.js'
import {
  RAISE_CLOSE,
  RUN_STEP,
  at,
  boom,
  continueTo,
  deeds,
  effectsOf,
  enterRunning,
  enterTerminal,
  hook,
  pausedEffects,
  settle,
  stepDone,
  stepping,
  stopWith,
  tagOf,
  waitAt,
} from './builders.js'

const emitted = { port: 'y', value: 1, dynamic: false }

describe('transition: what a step did', () => {
  it('logs its lines with the step that wrote them, before anything else', () => {
    const done = deeds({ step: 'run', logs: [{ level: 'warn', message: 'careful' }] })
    const [, effects] = transition(stepping(), stepDone(continueTo(at('next')), { deeds: done }))
    expect(effects[0]).toEqual({ _tag: 'Log', level: 'warn', message: 'careful', step: 'run' })
    expect(effects.slice(1)).toEqual([...enterRunning('RUNNING'), RUN_STEP])
  })

  it('tells hooks and listeners of its outputs, then moves', () => {
    const done = deeds({ step: 'run', emitted: [emitted] })
    const [s, effects] = transition(
      stepping(),
      stepDone(stopWith(2), { outputs: { y: 1 }, deeds: done }),
    )
    expect(s.outputs).toEqual({ y: 1 })
    expect(effects.slice(0, 2)).toEqual([
      hook('onOutputEmitted', 'y', 1, false),
      { _tag: 'Notify', event: { _tag: 'outputEmitted', port: 'y', value: 1, dynamic: false } },
    ])
  })

  it('saves the checkpoints it asked for once its move is made', () => {
    const done = deeds({ step: 'run', checkpoints: ['a', undefined] })
    const [, effects] = transition(stepping(), stepDone(continueTo(at('next')), { deeds: done }))
    expect(effects).toEqual([
      ...enterRunning('RUNNING'),
      { _tag: 'Checkpoint', tag: 'a' },
      { _tag: 'Checkpoint', tag: undefined },
      RUN_STEP,
    ])
  })

  it('pauses once its move is made when it asked for a pause', () => {
    const done = deeds({ step: 'run', pause: { message: 'a break' } })
    const [s, effects] = transition(stepping(), stepDone(continueTo(at('next')), { deeds: done }))
    expect(s.paused).toBe(true)
    expect(s.status).toBe('a break')
    expect(effects).toEqual([
      ...enterRunning('RUNNING'),
      ...pausedEffects('a break'),
      settle('pause', true),
    ])
  })

  it('ends KILLED instead of its next state when it asked for a kill, whatever it returned', () => {
    for (const outcome of [continueTo(at('next')), stopWith(1), waitAt(at('next'))]) {
      const done = deeds({ step: 'run', kill: { message: 'enough' } })
      const [s, effects] = transition(stepping(), stepDone(outcome, { deeds: done }))
      expect(s.state).toEqual({ _tag: 'KILLED', message: 'enough' })
      expect(s.status).toBe('enough')
      expect(effects).toEqual([
        ...enterTerminal('RUNNING', { _tag: 'KILLED', message: 'enough' }),
        settle('kill', true),
        RAISE_CLOSE,
      ])
    }
  })

  it('keeps the first of a pause asked for from outside and one asked for inside', () => {
    const s = transition(stepping(), Events.pause('outside'))[0]
    const done = deeds({ step: 'run', pause: { message: 'inside' } })
    const [next] = transition(s, stepDone(continueTo(at('next')), { deeds: done }))
    expect(next.status).toBe('outside')
  })

  it('keeps the outputs a failing step emitted, and tells hooks and listeners of them', () => {
    const done = deeds({ step: 'run', emitted: [emitted] })
    const [s, effects] = transition(stepping(), Events.stepFailed(boom(), { y: 1 }, done))
    expect(tagOf(s)).toBe('EXCEPTED')
    expect(s.outputs).toEqual({ y: 1 })
    expect(effects.slice(0, 2)).toEqual([
      hook('onOutputEmitted', 'y', 1, false),
      { _tag: 'Notify', event: { _tag: 'outputEmitted', port: 'y', value: 1, dynamic: false } },
    ])
    expect(effectsOf(effects, 'StateChanged')).toEqual([
      { _tag: 'StateChanged', from: 'RUNNING', to: 'EXCEPTED' },
    ])
  })

  it('keeps the outputs as they were when a failure reports none', () => {
    const s = transition(stepping(), Events.stepFailed(boom()))[0]
    expect(s.outputs).toEqual({})
  })
})
