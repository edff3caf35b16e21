/**
 * The runtime's effect runners: how a live process's effects reach the outside world (hooks,
 * listeners, the runner's plugins, the event loop, children and promises). One per effect kind;
 * the test drivers have their own set (`lib/testing/`), over the same loop.
 */
import type { HookName, ListenerEvent } from '../process/effects.js'
import { NO_HOOKS } from '../process/define-process.js'
import { errorInfo } from '../process/errors.js'
import { Events } from '../process/events.js'
import type { EffectRunners } from '../interpreter/runners.js'
import { stepEvent } from '../interpreter/step-event.js'
import { executeStep } from '../step/execute.js'
import { watchAwaitable } from './awaiting.js'
import { cancelAwaited } from './cancel.js'
import { restartAwaited } from './retrying.js'
import { waitsForCommit } from './commit-gate.js'
import type { ProcessHandle } from './handle.js'
import { notJsonStep } from './json-guard.js'
import { callListener } from './listener.js'

/** The runners of every live process (each effect comes with its process's loop). */
export const runtimeRunners: EffectRunners<ProcessHandle> = {
  Hook: ({ hook, args }, loop) => callHook(loop.owner, hook, args),
  Notify: ({ event }, loop) => {
    const process = loop.owner
    if (event._tag === 'paused' || event._tag === 'played') process.host.pausedChanged(process)
    notify(process, event)
  },
  StateChanged: ({ from, to }, loop) => loop.owner.host.stateChanged(loop.owner, from, to),
  RunStep: (_effect, loop) => {
    const process = loop.owner
    if (waitsForCommit(process)) return
    // A run of steps goes on in this turn, until the host's time slice (if any) is used up:
    // then the event loop gets a turn, so that a worker's heartbeats and RPCs are served.
    if (
      process.driving &&
      (process.sliceEnd === undefined || process.host.time.now() <= process.sliceEnd)
    )
      loop.send(Events.stepStarted())
    else process.driveLater()
  },
  ExecuteStep: (_effect, loop) => runStepNow(loop.owner),
  Await: ({ slot, ref }, loop) => watchAwaitable(loop.owner, slot, ref),
  CancelAwaited: (effect, loop) => cancelAwaited(loop.owner, effect),
  RestartAwaited: ({ slot }, loop) => restartAwaited(loop.owner, slot),
  SignalKept: (_effect, loop) => loop.owner.host.signalKept(loop.owner),
  KillChildren: ({ pids, message }, loop) => {
    const process = loop.owner
    if (process.definition.killChildren)
      for (const pid of pids) void process.host.get(pid)?.kill(message)
  },
  Settle: ({ action, value }, loop) => loop.owner.settle(action, value),
  Checkpoint: ({ tag }, loop) => loop.owner.host.saveCheckpoint(loop.owner, tag),
  Log: ({ level, message, step }, loop) => {
    const process = loop.owner
    process.host.logger[level](message, {
      pid: process.pid,
      definition: process.definition.name,
      ...(step === undefined ? {} : { step }),
    })
  },
  Terminated: (_effect, loop) => loop.owner.closedNow(),
}

/** Run the process's step now and send the event that reports it. */
const runStepNow = (process: ProcessHandle): void => {
  const observe = process.host.stepObserver
  const started = observe === undefined ? 0 : performance.now()
  const execution = executeStep(process)
  if (observe !== undefined)
    observe(process, {
      step: execution.step,
      durationMs: performance.now() - started,
      failed: execution._tag === 'Failed',
    })
  // What a checkpointing runner cannot keep fails the step, and the process keeps its last good
  // data (see json-guard.ts).
  const notJson =
    execution._tag === 'Completed' &&
    (process.host.keepsJson === true || (execution.deeds?.checkpoints.length ?? 0) > 0)
      ? notJsonStep(process.pid, execution, process.host.checkpointLimits)
      : undefined
  process.loop.send(
    stepEvent(
      notJson === undefined
        ? execution
        : {
            _tag: 'Failed',
            error: notJson,
            outputs: undefined,
            deeds: undefined,
            step: execution.step,
          },
      process,
    ),
  )
}

const callHook = (process: ProcessHandle, name: HookName, args: readonly unknown[]): void => {
  const hooks = process.definition.hooks
  if (hooks === NO_HOOKS) return
  const hook = hooks[name]
  if (hook === undefined) return
  try {
    hook(process, ...args)
  } catch (error) {
    process.recordError(error)
    process.loop.send(Events.fail(errorInfo(error)))
  }
}

const notify = (process: ProcessHandle, event: ListenerEvent): void => {
  const listeners = process.listeners
  if (listeners === undefined || listeners.size === 0) return
  for (const listener of [...listeners]) {
    try {
      callListener(listener, process, event)
    } catch (error) {
      process.host.logger.warn(
        `listener of ${process.definition.name} ${process.pid} threw: ${errorInfo(error).message}`,
      )
    }
  }
}
