/**
 * `driveDefinition`: run a whole definition with no runner, no timers and no Promise. It is the
 * interpreter the runtime uses (the same loop, reducer and step executor) with scripted effect
 * runners: whatever a step awaits (a child, a task, a promise) is answered by a script, and so
 * is every wait for `resume`. The result is a trace of the steps taken, what listeners would have
 * heard, and the state the process stopped in.
 *
 * @example
 * const run = driveDefinition(Parent, { x: 1 }, {
 *   answer: (request) => (request.kind === 'launch' ? { y: 2 } : unanswered),
 * })
 * run.trace.map((entry) => entry.cursor) // ['0:launchChild', '1:useResult']
 * run.state // 'FINISHED'
 */
import { ProcessLoop } from '../interpreter/loop.js'
import type { ProcessDefinition } from '../process/definition.js'
import { KilledError, ProcessError } from '../process/errors.js'
import { Events } from '../process/events.js'
import { createdSnapshot } from '../process/snapshot.js'
import { isTerminal } from '../process/state.js'
import { creationEffects } from '../process/transition.js'
import { initialContext } from '../step/context.js'
import { StepViews } from '../step/views.js'
import { toMilliseconds } from '../commands/duration.js'
import { parseInputs } from './inputs.js'
import { TestClock } from './test-clock.js'
import { hookView, scriptedRunners, type Driver } from './scripted-runners.js'
import {
  checkScriptedSignals,
  type DriveResult,
  type DriveScript,
  type Stopped,
} from './drive-script.js'

/** Drive `definition` from creation until it terminates, blocks or pauses. */
export const driveDefinition = <O = Record<string, unknown>>(
  definition: ProcessDefinition<any, any, O>,
  rawInputs?: unknown,
  script: DriveScript = {},
): DriveResult<O> => {
  const pid = script.pid ?? 'test-pid'
  const inputs = parseInputs(definition, rawInputs)
  const ctx = initialContext(definition.context(inputs))
  const clock = script.clock ?? new TestClock()
  const horizon =
    script.timeLimit === undefined ? Infinity : clock.now() + toMilliseconds(script.timeLimit)
  const driver: Driver = {
    definition,
    script,
    clock,
    views: new StepViews(pid, definition.name, inputs),
    live: undefined,
    originalError: undefined,
    pendingAnswers: [],
    refCount: 0,
    requestOf: new Map(),
    retried: new Map(),
    located: undefined,
    result: {
      trace: [],
      requests: [],
      blockedOn: [],
      events: [],
      transitions: [],
      logs: [],
      checkpoints: [],
    },
  }
  const loop = new ProcessLoop(
    createdSnapshot(pid, definition.body.initial, ctx),
    scriptedRunners,
    driver,
  )
  // As `create` does: a throwing onCreate fails the creation (the drive throws its error).
  definition.hooks.onCreate?.(hookView(loop.snapshot))
  loop.perform(creationEffects())
  checkScriptedSignals(definition, script.signals ?? [])
  for (const sent of script.signals ?? [])
    clock.at(clock.now() + toMilliseconds(sent.after), () =>
      driver.pendingAnswers.push((l) => l.send(Events.signal(sent.name, sent.payload))),
    )
  loop.send(Events.start())
  const resumes = script.resumes ?? []
  let resumesUsed = 0
  for (;;) {
    const answer = driver.pendingAnswers.shift()
    if (answer !== undefined) {
      answer(loop)
      continue
    }
    const state = loop.snapshot.state
    if (isTerminal(state)) return result(driver, loop, 'terminal')
    // The world resumes a waiting process whether it is paused or not (paused, it keeps the value
    // until played).
    if (
      state._tag === 'WAITING' &&
      state.awaiting.length === 0 &&
      state.resumedWith === undefined &&
      resumesUsed < resumes.length
    ) {
      loop.send(Events.resume(resumes[resumesUsed++]))
      continue
    }
    if (loop.snapshot.paused) {
      if (script.playPaused !== true) return result(driver, loop, 'paused')
      loop.send(Events.play())
      continue
    }
    // Nothing else can move it: skip time to the next timer.
    const next = clock.nextDeadline
    if (next !== undefined && next <= horizon) {
      clock.advanceTo(Math.max(next, clock.now()))
      continue
    }
    return result(driver, loop, 'blocked')
  }
}

const result = (driver: Driver, loop: ProcessLoop<Driver>, stopped: Stopped): DriveResult<any> => {
  const snapshot = loop.snapshot
  const state = snapshot.state
  const original = driver.originalError
  const error =
    state._tag === 'KILLED'
      ? new KilledError(state.message)
      : state._tag === 'EXCEPTED'
        ? original instanceof Error
          ? original
          : new ProcessError(state.error)
        : undefined
  return {
    ...driver.result,
    blockedOn: stopped === 'blocked' ? driver.result.blockedOn : [],
    snapshot,
    state: state._tag,
    stopped,
    outputs: snapshot.outputs,
    result: state._tag === 'FINISHED' ? state.result : undefined,
    error,
    now: driver.clock.now(),
  }
}
