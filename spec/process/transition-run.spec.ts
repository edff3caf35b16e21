/**
 * The reducer over a whole run: the hook order of a run that waits then returns 42, and `resume`
 * of a process that waits for one (idempotent right after a resume).
 */
import { describe, expect, it } from 'vitest'
import { Events } from '../../lib/process/events.js'
import { creationEffects, transition } from '../../lib/process/transition.js'
import {
  apply,
  at,
  continueTo,
  created,
  effectsOf,
  enterWaiting,
  feed,
  hook,
  killWith,
  reply,
  script,
  stepDone,
  stepping,
  stopWith,
  waitAt,
  waiting,
} from './builders.js'

describe('transition', () => {
  describe('the hooks of a run that waits then returns 42', () => {
    it('calls every hook in plumpy order', () => {
      const steps = script(
        created(),
        Events.start(),
        Events.stepStarted(),
        stepDone(waitAt(at('second'))),
        Events.resume(),
        Events.stepStarted(),
        stepDone(stopWith(42)),
        Events.close(),
      )
      const effects = [...creationEffects(), ...steps.flatMap(([, e]) => e)]
      // onCreate runs in create, before the process exists (see the runtime's specs).
      expect(effectsOf(effects, 'Hook')).toEqual([
        hook('onRun'),
        hook('onRunning'),
        hook('onExitRunning'),
        hook('onWait'),
        hook('onWaiting'),
        hook('onExitWaiting'),
        hook('onRun'),
        hook('onRunning'),
        hook('onExitRunning'),
        hook('onFinish', 42, true),
        hook('onFinished'),
        hook('onClose'),
        hook('onTerminated'),
      ])
      expect(effectsOf(effects, 'StateChanged').map((e) => `${e.from}>${e.to}`)).toEqual([
        'null>CREATED',
        'CREATED>RUNNING',
        'RUNNING>WAITING',
        'WAITING>RUNNING',
        'RUNNING>FINISHED',
      ])
      const last = steps.at(-1)?.[0]
      expect(last?.closed).toBe(true)
      expect(last?.state._tag).toBe('FINISHED')
    })

    it('reports each emitted output (hook, then listener) before the move of its step', () => {
      const emitted = [
        { port: 'x', value: 1, dynamic: false },
        { port: 'y.z', value: 2, dynamic: true },
      ]
      const [, effects] = transition(
        stepping(),
        stepDone(waitAt(at('next')), { outputs: { x: 1, y: { z: 2 } }, emitted }),
      )
      expect(effects).toEqual([
        hook('onOutputEmitted', 'x', 1, false),
        { _tag: 'Notify', event: { _tag: 'outputEmitted', port: 'x', value: 1, dynamic: false } },
        hook('onOutputEmitted', 'y.z', 2, true),
        { _tag: 'Notify', event: { _tag: 'outputEmitted', port: 'y.z', value: 2, dynamic: true } },
        ...enterWaiting(),
      ])
    })
  })

  describe('resume', () => {
    it('gives the resume value to the next step as its only argument', () => {
      const s = feed(waiting(at('next')), Events.resume({ n: 7 }))
      expect(s.state).toMatchObject({ _tag: 'RUNNING', position: at('next', { n: 7 }) })
    })

    it('gives no argument when resumed without a value', () => {
      const s = feed(waiting(at('next')), Events.resume())
      expect(s.state).toMatchObject({ _tag: 'RUNNING', position: at('next') })
    })

    it('is idempotent right after a resume: true again, nothing changes', () => {
      const resumed = feed(waiting(), Events.resume(1))
      const [s, effects] = transition(resumed, Events.resume(2))
      expect(s).toBe(resumed)
      expect(effects).toEqual([reply(true)])
    })
    // Resume elsewhere (kept, a duplicate, refused, paused): transition-resume.spec.ts.
  })

  describe('a whole run, scripted', () => {
    it('runs Continue with arguments, then Kill, ending KILLED with the message as status', () => {
      const [s] = apply(
        created(),
        Events.start(),
        Events.stepStarted(),
        stepDone(continueTo(at('continueFn', 'a', 'b'))),
        Events.stepStarted(),
        stepDone(killWith('I was killed')),
        Events.close(),
      )
      expect(s.state).toEqual({ _tag: 'KILLED', message: 'I was killed' })
      expect(s.status).toBe('I was killed')
      expect(s.closed).toBe(true)
    })
  })
})
