/**
 * Properties of the reducer over random event sequences (all event kinds, random payloads and
 * slots) from random starting snapshots: it is total, terminal states stick, every move is legal,
 * and steps are asked for only when one may run.
 */
import { fc, it } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import type { AwaitableRef } from '../../lib/process/awaitable.js'
import type { Effect } from '../../lib/process/effects.js'
import type { ErrorInfo } from '../../lib/process/errors.js'
import type { ProcessEvent, StepOutcome } from '../../lib/process/events.js'
import type { Position } from '../../lib/process/position.js'
import type { ProcessSnapshot } from '../../lib/process/snapshot.js'
import {
  isLegalMove,
  isTerminalName,
  type Pending,
  type StateName,
} from '../../lib/process/state.js'
import { transition } from '../../lib/process/transition.js'
import {
  at,
  boom,
  child,
  created,
  exceptedState,
  feed,
  finished,
  killedState,
  paused,
  pending,
  promiseRef,
  running,
  stepDone,
  stepping,
  waitAt,
  waiting,
} from './builders.js'
import { Events } from '../../lib/process/events.js'

// ---------------------------------------------------------------------------------------------
// Arbitraries

const errorArb: fc.Arbitrary<ErrorInfo> = fc.record({
  name: fc.constantFrom('Error', 'TypeError', 'IllegalMoveError'),
  message: fc.string({ maxLength: 8 }),
})

const messageArb = fc.option(fc.string({ maxLength: 6 }), { nil: undefined })

const positionArb: fc.Arbitrary<Position> = fc.oneof(
  fc
    .tuple(fc.constantFrom('run', 'next', 'other'), fc.array(fc.anything(), { maxLength: 3 }))
    .map(([step, args]) => at(step, ...args)),
  fc
    .array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 3 })
    .map((cursor): Position => ({ _tag: 'Outline', cursor })),
  fc
    .array(fc.tuple(fc.constantFrom('resume', 'toContext(a=promise)'), fc.jsonValue()), {
      maxLength: 2,
    })
    .map(
      (entries): Position => ({
        ...at('gen'),
        journal: { entries: entries.map(([asked, answer]) => ({ asked, answer })) },
      }),
    ),
)

const pendingArb: fc.Arbitrary<Pending> = fc
  .tuple(
    fc.constantFrom('a', 'b', 'list'),
    fc.oneof(
      fc.string({ maxLength: 4 }).map(child),
      fc.string({ maxLength: 4 }).map((id) => promiseRef(id)),
      fc.constantFrom('go', 'stop').map((name): AwaitableRef => ({ _tag: 'Signal', name })),
    ),
    fc.boolean(),
  )
  .map(([key, ref, append]) => pending(key, ref, append))

const outcomeArb: fc.Arbitrary<StepOutcome> = fc.oneof(
  positionArb.map((position): StepOutcome => ({ _tag: 'Continue', position })),
  fc
    .record({
      position: positionArb,
      message: messageArb,
      data: fc.jsonValue(),
      awaiting: fc.array(pendingArb, { maxLength: 3 }),
    })
    .map((w) => waitAt(w.position, w)),
  fc
    .record({
      result: fc.jsonValue(),
      successful: fc.boolean(),
      exitStatus: fc.constantFrom(0, 0, 1, 300),
      exitMessage: messageArb,
    })
    .map((s): StepOutcome => ({ _tag: 'Stop', ...s })),
  messageArb.map((message): StepOutcome => ({ _tag: 'Kill', message })),
)

const slotArb = fc.integer({ min: -1, max: 4 })

const eventArb: fc.Arbitrary<ProcessEvent> = fc.oneof(
  fc.constant(Events.start()),
  { arbitrary: fc.constant(Events.stepStarted()), weight: 3 },
  {
    arbitrary: fc
      .tuple(outcomeArb, fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue()))
      .map(([outcome, ctx]) => stepDone(outcome, { ctx, outputs: ctx })),
    weight: 3,
  },
  errorArb.map((error) => Events.stepFailed(error)),
  fc.jsonValue().map(Events.resume),
  fc.tuple(fc.constantFrom('go', 'stop'), fc.jsonValue()).map(([n, v]) => Events.signal(n, v)),
  messageArb.map(Events.pause),
  fc.constant(Events.play()),
  fc.tuple(messageArb, fc.boolean()).map(([message, force]) => Events.kill(message, force)),
  {
    arbitrary: fc.tuple(slotArb, fc.jsonValue()).map(([s, v]) => Events.awaitableSettled(s, v)),
    weight: 2,
  },
  fc.tuple(slotArb, errorArb).map(([slot, error]) => Events.awaitableFailed(slot, error)),
  errorArb.map(Events.fail),
  fc.constant(Events.close()),
  messageArb.map(Events.setStatus),
)

const startArb: fc.Arbitrary<ProcessSnapshot> = fc.oneof(
  fc.constant(created()),
  fc.constant(running()),
  fc.constant(stepping()),
  fc.array(pendingArb, { maxLength: 3 }).map((awaiting) => waiting(at('next'), { awaiting })),
  fc.constant(paused(running())),
  fc.constant(paused(waiting())),
  fc.constant(feed(stepping(), Events.pause('p'))),
  fc.constant(feed(stepping(), Events.kill('k'))),
  fc.constant(feed(stepping(), Events.kill('k', true))),
  fc.boolean().map((closed) => finished(1, closed)),
  fc.boolean().map((closed) => killedState('k', closed)),
  fc.boolean().map((closed) => exceptedState(boom(), closed)),
)

// ---------------------------------------------------------------------------------------------
// The properties, checked on every transition of a run

const REQUESTS = new Set(['Signal', 'Pause', 'Play', 'Kill'])
const ANSWERS = new Set(['Reply', 'Defer', 'Reject'])

const checkTransition = (
  before: ProcessSnapshot,
  event: ProcessEvent,
  after: ProcessSnapshot,
  effects: readonly Effect[],
) => {
  const from = before.state._tag
  const to = after.state._tag

  // Once closed, a terminal snapshot never changes state and stays closed.
  if (before.closed) {
    expect(after.state).toBe(before.state)
    expect(after.closed).toBe(true)
  }

  // Once terminal, the state tag never changes, except FINISHED/KILLED -> EXCEPTED on a
  // failure that arrives before closing.
  if (isTerminalName(from) && to !== from) {
    expect(before.closed).toBe(false)
    expect(['FINISHED', 'KILLED']).toContain(from)
    expect(to).toBe('EXCEPTED')
    expect(event._tag).toBe('Fail')
  }

  // Every move is legal, or a move to EXCEPTED; the announced state changes chain from the old
  // state to the new one.
  if (to !== from) expect(isLegalMove(from, to) || to === 'EXCEPTED').toBe(true)
  const changes = effects.filter((e) => e._tag === 'StateChanged')
  let current: StateName = from
  for (const change of changes) {
    expect(change.from).toBe(current)
    expect(isLegalMove(current, change.to) || change.to === 'EXCEPTED').toBe(true)
    current = change.to
  }
  expect(current).toBe(to)

  // An EXCEPTED state carries the failure the event reported, or names the illegal move: a
  // throw inside the reducer, which `transition` would also turn into EXCEPTED, is a bug.
  if (to === 'EXCEPTED' && from !== 'EXCEPTED' && after.state._tag === 'EXCEPTED') {
    const reported =
      event._tag === 'StepFailed' || event._tag === 'AwaitableFailed' || event._tag === 'Fail'
        ? event.error
        : undefined
    if (after.state.error !== reported) expect(after.state.error.name).toBe('IllegalMoveError')
  }

  // A step is asked for only when one may run.
  if (effects.some((e) => e._tag === 'RunStep')) {
    expect(to).toBe('RUNNING')
    expect(after.paused).toBe(false)
    expect(after.stepping).toBe(false)
  }

  // Closing is asked for exactly when a terminal state is entered, at most once.
  const terminations = effects.filter((e) => e._tag === 'Raise' && e.event._tag === 'Close').length
  expect(terminations).toBe(changes.filter((c) => isTerminalName(c.to)).length)
  expect(terminations).toBeLessThanOrEqual(1)

  // A process keeps one resume at most, and a wait for a resume never leaves one kept.
  const keptResumes = (after.inbox ?? []).filter((received) => received.name === undefined)
  expect(keptResumes.length).toBeLessThanOrEqual(1)
  if (after.state._tag === 'WAITING' && after.state.awaiting.length === 0)
    expect(keptResumes).toEqual([])

  // Every request gets exactly one answer; other events get none.
  const answers = effects.filter((e) => ANSWERS.has(e._tag)).length
  expect(answers).toBe(REQUESTS.has(event._tag) ? 1 : 0)
}

describe('transition (properties)', () => {
  it.prop([startArb, fc.array(eventArb, { maxLength: 40 })], { numRuns: 1000 })(
    'is total and keeps the lifecycle rules over any sequence of events',
    (start, events) => {
      let s = start
      for (const event of events) {
        const [next, effects] = transition(s, event)
        checkTransition(s, event, next, effects)
        s = next
      }
    },
  )

  it.prop([startArb, eventArb], { numRuns: 2000 })(
    'never throws and never changes the snapshot it was given',
    (start, event) => {
      const copy = structuredClone(start)
      expect(() => transition(start, event)).not.toThrow()
      expect(start).toEqual(copy)
    },
  )
})
