/**
 * The worker's log, through its `Logger`: processes starting and ending, tasks received,
 * acknowledged early, refused or followed, the steps of a shutdown, and (at debug) every state
 * change.
 */
import { describeTask } from '../comms/launch-errors.js'
import type { LauncherEvent } from '../comms/launcher.js'
import { describeLogContext, type Logger } from '../runtime/environment.js'
import type { ProcessHandle } from '../runtime/handle.js'
import type { RunnerPlugin } from '../runtime/runner.js'

/**
 * A worker's events as log records: worker-wide lines (`say`) and launcher events at info, except
 * the tasks received, which are debug unless redelivered; of each process, one info line when it
 * starts (or is continued here) and one when it ends, and its every transition at debug, each
 * with the pid, definition and step.
 */
export const workerLog = (logger: Logger) => {
  const say = (text: string) => logger.info(text)
  const debug = logger.debug?.bind(logger)
  /** The step each process ran last, for the debug line of its transition. */
  const ran = new Map<string, string>()
  const about = (process: ProcessHandle, step?: string) => ({
    pid: process.pid,
    definition: process.name,
    ...(step === undefined ? {} : { step }),
  })
  const plugin: RunnerPlugin = {
    created: (process) => {
      if (process.state !== 'CREATED') logger.info(`continued (${process.state})`, about(process))
    },
    ...(debug === undefined
      ? {}
      : { stepRan: (process, run) => void ran.set(process.pid, run.step ?? '') }),
    stateChanged: (process, from, to) => {
      const step = from === 'RUNNING' ? ran.get(process.pid) || undefined : undefined
      ran.delete(process.pid)
      if (from === 'CREATED' && to === 'RUNNING') logger.info('started', about(process))
      else debug?.(`${from ?? 'None'} -> ${to}`, about(process, step))
    },
    terminated: (process) => {
      ran.delete(process.pid)
      logger.info(`ended ${process.state}`, about(process))
    },
  }
  const launcherEvent = (event: LauncherEvent): void => {
    const line = describeLauncherEvent(event)
    if (event._tag === 'TaskReceived' && !event.redelivered) debug?.(line)
    else logger.info(line)
  }
  return { say, plugin, launcherEvent }
}

/** One line for a launcher event. */
export const describeLauncherEvent = (event: LauncherEvent): string => {
  switch (event._tag) {
    case 'TaskReceived': {
      const { task, redelivered } = event
      return `task ${describeTask(task)}${redelivered ? ' (redelivered)' : ''}`
    }
    case 'TaskAcknowledged':
      return `${event.pid} task acknowledged early (${event.reason})`
    case 'TaskHandedOn':
      return `${event.pid} task handed on to a continue task (hold limit)`
    case 'RunningElsewhere':
      return `${event.pid} is running on worker ${event.owner}: ${
        event.action === 'refused'
          ? 'continue refused'
          : event.action === 'following'
            ? 'following it'
            : 'answered its pid'
      }`
    case 'TakenOver':
      return `${event.pid} taken over: its owner is gone`
    default:
      return event satisfies never
  }
}

/**
 * The default logger of a worker: `[worker <name>] <what>` lines, information to stdout, warnings
 * and errors to stderr, debug dropped; a line about a process starts with its definition and pid.
 */
export const workerLogger = (name: string): Logger => ({
  info: (message, context) =>
    console.log(`[worker ${name}] ${describeLogContext(context)}${message}`),
  warn: (message, context) =>
    console.error(`[worker ${name}] warning: ${describeLogContext(context)}${message}`),
  error: (message, context) =>
    console.error(`[worker ${name}] error: ${describeLogContext(context)}${message}`),
})
