/**
 * The worker's log: one line per event, `[worker <name>] <what>`, for people and for tests that
 * read it. State changes (`<pid> RUNNING -> WAITING`), processes ending, tasks received,
 * acknowledged early, refused or followed, and the steps of a shutdown.
 */
import { describeTask } from '../comms/launch-errors.js'
import type { LauncherEvent } from '../comms/launcher.js'
import type { Logger } from '../runtime/environment.js'
import type { RunnerPlugin } from '../runtime/runner.js'

/** Where log lines go (stdout by default). */
export type LogLine = (line: string) => void

/** A worker's line printer: `say(text)` prints `[worker <name>] text`. */
export const workerLog = (name: string, print: LogLine = (line) => console.log(line)) => {
  const say = (text: string) => print(`[worker ${name}] ${text}`)
  const plugin: RunnerPlugin = {
    stateChanged: (process, from, to) =>
      say(
        from === null
          ? `${process.pid} ${process.name} None -> ${to}`
          : `${process.pid} ${from} -> ${to}`,
      ),
    terminated: (process) => say(`${process.pid} ${process.name} ended ${process.state}`),
  }
  const launcherEvent = (event: LauncherEvent): void => say(describeLauncherEvent(event))
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

/** Warnings and errors of a worker, to stderr, with its name (information is dropped). */
export const workerLogger = (name: string): Logger => ({
  info: () => undefined,
  warn: (message) => console.error(`[worker ${name}] warning: ${message}`),
  error: (message) => console.error(`[worker ${name}] error: ${message}`),
})
