/**
 * The effect runners of `driveDefinition`: the runtime's runners with the outside world
 * scripted. Steps run at once, one after another; what a step awaits becomes a request that the
 * script answers once the mailbox is idle; hooks run; what listeners, the store and the logger
 * would have been told is recorded.
 */
import type { Body, Located, ProcessDefinition, ProcessView } from '../process/definition.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { errorInfo } from '../process/errors.js'
import { awaitsAt } from '../process/state.js'
import { Events } from '../process/events.js'
import type { Position } from '../process/position.js'
import {
  childRef,
  promiseRef,
  signalRef,
  timerRef,
  type AwaitableRef,
  type SignalRef,
  type TimerRef,
} from '../process/awaitable.js'
import type { ToContextEntry } from '../commands/suspend.js'
import { awaitedFailedEvent, retryPlanOf } from '../interpreter/entry-retry.js'
import type { ProcessLoop } from '../interpreter/loop.js'
import type { EffectRunners } from '../interpreter/runners.js'
import { stepEvent } from '../interpreter/step-event.js'
import { executeStep, type LiveSlot, type LiveStep } from '../step/execute.js'
import type { StepViews } from '../step/views.js'
import { Cursor } from '../workchain/cursor.js'
import type { Block } from '../workchain/outline.js'
import { parseInputs } from './inputs.js'
import type { TestClock } from './test-clock.js'
import {
  unanswered,
  type AwaitRequest,
  type DriveResult,
  type DriveScript,
} from './drive-script.js'

type Recorded = Pick<
  DriveResult,
  'trace' | 'requests' | 'blockedOn' | 'events' | 'transitions' | 'logs' | 'checkpoints'
>

/** What a drive keeps for its process. */
export interface Driver extends LiveSlot {
  readonly definition: ProcessDefinition
  readonly script: DriveScript
  readonly views: StepViews
  /** The drive's time: timers are armed on it, and the drive moves it when it is blocked. */
  readonly clock: TestClock
  live: LiveStep | undefined
  originalError: unknown
  /** Answers to give once the mailbox is idle, in order. */
  readonly pendingAnswers: ((loop: ProcessLoop<Driver>) => void)[]
  refCount: number
  readonly requestOf: Map<string, AwaitRequest>
  /** The entries of the current wait that declared a retry policy, by slot. */
  readonly retried: Map<number, ToContextEntry>
  /** Where the last step was found (a work chain's cursor after its predicates). */
  located: Located | undefined
  readonly result: {
    -readonly [K in keyof Recorded]: Recorded[K] extends readonly (infer T)[] ? T[] : never
  }
}

/** What a hook sees of a driven process. */
export const hookView = (s: ProcessSnapshot): ProcessView => ({
  pid: s.pid,
  state: s.state._tag,
  status: s.status,
  outputs: s.outputs,
  ctx: s.ctx,
})

/** The runners of a driven process. */
export const scriptedRunners: EffectRunners<Driver> = {
  Hook: ({ hook, args }, loop) => {
    const fn = loop.owner.definition.hooks[hook]
    if (fn === undefined) return
    try {
      fn(hookView(loop.snapshot), ...args)
    } catch (error) {
      loop.owner.originalError = error
      loop.send(Events.fail(errorInfo(error)))
    }
  },
  Notify: ({ event }, loop) => void loop.owner.result.events.push(event),
  StateChanged: ({ from, to }, loop) => void loop.owner.result.transitions.push({ from, to }),
  RunStep: (_effect, loop) => loop.send(Events.stepStarted()),
  ExecuteStep: (_effect, loop) => runStep(loop),
  Await: ({ slot, ref }, loop) => {
    const driver = loop.owner
    if (ref._tag === 'Timer')
      driver.clock.at(ref.deadline, () => driver.pendingAnswers.push((l) => fire(l, slot, ref)))
    // Signals come from the script's `signals`, on the drive's clock.
    else if (ref._tag !== 'Signal') driver.pendingAnswers.push((l) => answer(l, slot, ref))
  },
  // A loser's answer is dropped when it comes: the process no longer waits on it.
  CancelAwaited: () => {},
  RestartAwaited: ({ slot }, loop) => restart(loop, slot),
  // The drive records checkpoints a step asks for; a kept signal is in the snapshot it returns.
  SignalKept: () => {},
  KillChildren: () => {},
  Settle: () => {},
  Checkpoint: ({ tag }, loop) => void loop.owner.result.checkpoints.push(tag),
  Log: ({ level, message, step }, loop) =>
    void loop.owner.result.logs.push({ level, message, step }),
  Terminated: (_effect, loop) => {
    loop.owner.live = undefined
  },
}

const runStep = (loop: ProcessLoop<Driver>): void => {
  const driver = loop.owner
  const max = driver.script.maxSteps ?? 10_000
  const trace = driver.result.trace
  if (trace.length >= max)
    throw new Error(
      `${driver.definition.name} took more than ${max} steps; the last ones: ` +
        trace
          .slice(-5)
          .map((entry) => entry.cursor)
          .join(', '),
    )
  const before = loop.snapshot
  const position = (before.state as { position: Position }).position
  driver.located = undefined
  const execution = executeStep({
    definition: traced(driver),
    snapshot: before,
    views: driver.views,
    get live() {
      return driver.live
    },
    set live(live) {
      driver.live = live
    },
  })
  const located = driver.located as Located | undefined
  const cursor = describePlace(driver.definition, located?._tag === 'Step' ? located.at : position)
  const event = stepEvent(execution, {
    startAwaitables: (entries) => {
      driver.retried.clear()
      return entries.map((entry, slot) => {
        if (retryPlanOf(entry.awaitable) !== undefined) driver.retried.set(slot, entry)
        return request(driver, entry, 1)
      })
    },
    recordError: (error) => {
      driver.originalError = error
    },
    now: () => driver.clock.now(),
  })
  trace.push({
    step: execution.step,
    cursor,
    outcome: event._tag === 'StepCompleted' ? event.outcome._tag : 'Failed',
    ctx: event._tag === 'StepCompleted' ? event.ctx : before.ctx,
    emitted: event.deeds?.emitted ?? [],
    deeds: event.deeds,
  })
  loop.send(event)
}

/** A request for the script, with a reference the process can wait on. */
const request = (driver: Driver, entry: ToContextEntry, attempt: number): AwaitableRef => {
  const { key, append, awaitable } = entry
  if (awaitable._tag === 'Timer') {
    const deadline = awaitable.until ?? driver.clock.now() + (awaitable.ms ?? 0)
    driver.result.requests.push({ key, kind: 'timer', deadline, append })
    return timerRef(deadline)
  }
  if (awaitable._tag === 'SignalWait') {
    driver.result.requests.push({ key, kind: 'signal', name: awaitable.signal.name, append })
    return signalRef(awaitable.signal.name)
  }
  // The script answers in the promise's place: the promise itself is never read, and a rejection
  // of it must not be left unhandled.
  if (awaitable._tag === 'Promise') awaitable.promise.then(undefined, () => undefined)
  const n = ++driver.refCount
  const pid = driver.views.pid
  if (awaitable._tag === 'Launch')
    parseInputs(awaitable.definition as ProcessDefinition, awaitable.inputs)
  const ref =
    awaitable._tag === 'Launch'
      ? childRef(`${pid}.child-${n}`)
      : promiseRef(`${pid}.${awaitable._tag.toLowerCase()}-${n}`)
  const described = describeAwaitable(awaitable, key, append)
  const made = retryPlanOf(awaitable) === undefined ? described : { ...described, attempt }
  driver.result.requests.push(made)
  driver.requestOf.set(refId(ref), made)
  return ref
}

const describeAwaitable = (
  awaitable: {
    readonly _tag: 'Launch' | 'Task' | 'Promise'
    readonly definition?: ProcessDefinition
    readonly inputs?: unknown
  },
  key: string,
  append: boolean,
): AwaitRequest =>
  awaitable._tag === 'Launch'
    ? {
        key,
        kind: 'launch',
        definition: (awaitable.definition as ProcessDefinition).name,
        inputs: awaitable.inputs,
        append,
      }
    : { key, kind: awaitable._tag === 'Task' ? 'task' : 'promise', append }

const answer = (loop: ProcessLoop<Driver>, slot: number, ref: AwaitableRef): void => {
  const driver = loop.owner
  if (!awaitsAt(loop.snapshot.state, slot, ref)) return
  if (ref._tag === 'Timer' || ref._tag === 'Signal') return
  const made = driver.requestOf.get(refId(ref)) as AwaitRequest
  const value = driver.script.answer === undefined ? unanswered : driver.script.answer(made)
  if (value === unanswered) {
    driver.result.blockedOn.push(made)
    return
  }
  if (value instanceof Error) {
    const { event, original } = awaitedFailedEvent({
      snapshot: loop.snapshot,
      slot,
      error: value,
      now: driver.clock.now(),
      plan: retryPlanOf(driver.retried.get(slot)?.awaitable),
    })
    driver.originalError = original
    loop.send(event)
  } else {
    loop.send(Events.awaitableSettled(slot, value))
  }
}

/**
 * Start a retried entry again: the script is asked once more, for the next attempt. (A drive is
 * never reloaded, so the step's description of the entry is always at hand.)
 */
const restart = (loop: ProcessLoop<Driver>, slot: number): void => {
  const driver = loop.owner
  const state = loop.snapshot.state
  const pending = state._tag === 'WAITING' ? state.awaiting[slot] : undefined
  const entry = driver.retried.get(slot)
  if (pending?.retry === undefined || entry === undefined)
    throw new Error(`slot ${slot} holds no retried entry to start again`)
  const ref = request(driver, entry, pending.retry.attempt)
  loop.send(Events.awaitableRestarted(slot, ref, driver.clock.now()))
}

/** A timer fell due: it settles with its deadline, if the process still waits on it. */
const fire = (loop: ProcessLoop<Driver>, slot: number, ref: TimerRef): void => {
  if (!awaitsAt(loop.snapshot.state, slot, ref)) return
  loop.send(Events.awaitableSettled(slot, ref.deadline))
}

const refId = (ref: Exclude<AwaitableRef, TimerRef | SignalRef>): string =>
  ref._tag === 'Child' ? ref.pid : ref.id

/** The definition with a body that notes where each step was found. */
const traced = (driver: Driver): ProcessDefinition => {
  const body: Body = driver.definition.body
  return {
    ...driver.definition,
    body: {
      ...body,
      locate: (position, draft, view) => {
        const located = body.locate(position, draft, view)
        driver.located = located
        return located
      },
    },
  }
}

const describePlace = (definition: ProcessDefinition, position: Position): string => {
  if (position._tag === 'Step') return position.step
  const outline = (definition as { outline?: Block }).outline
  return outline === undefined ? position.cursor.join('.') : Cursor.format(outline, position.cursor)
}
