/**
 * Helpers for runtime tests: a quiet runner, a logger that records, a scheduler the test turns by
 * hand, and a listener that writes down what it hears.
 */
import * as t from 'io-ts'
import type { ErrorInfo } from '../../lib/process/errors.js'
import {
  describeLogContext,
  silentLogger,
  type Logger,
  type Scheduler,
} from '../../lib/runtime/environment.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import type { ProcessListener } from '../../lib/runtime/listener.js'
import { Runner, type RunnerOptions } from '../../lib/runtime/runner.js'

/** A runner that logs nothing (unless given a logger). */
export const quietRunner = (options: RunnerOptions = {}): Runner =>
  new Runner({ logger: silentLogger, ...options })

/** A logger that keeps its lines as `level: Definition pid step: message`. */
export const recordingLogger = () => {
  const lines: string[] = []
  const logger: Logger = {
    info: (message, context) => lines.push(`info: ${describeLogContext(context)}${message}`),
    warn: (message, context) => lines.push(`warn: ${describeLogContext(context)}${message}`),
    error: (message, context) => lines.push(`error: ${describeLogContext(context)}${message}`),
  }
  return { lines, logger }
}

/** A scheduler that only runs callbacks when the test says so. */
export const manualScheduler = () => {
  const queue: (() => void)[] = []
  const schedule: Scheduler = (callback) => {
    queue.push(callback)
  }
  /** Run callbacks (those they schedule too) until none is left; returns how many ran. */
  const runAll = (limit = 1000): number => {
    let ran = 0
    while (queue.length > 0) {
      if (ran++ >= limit) throw new Error('the scheduler never goes idle')
      ;(queue.shift() as () => void)()
    }
    return ran
  }
  return { schedule, runAll, pending: () => queue.length }
}

/** Let the default scheduler (setImmediate) and promise callbacks run a few times. */
export const turns = async (count = 5): Promise<void> => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** A listener that writes every callback down, in order. */
export const recordingListener = () => {
  const heard: string[] = []
  const listener: ProcessListener<ProcessHandle> = {
    onProcessCreated: (p) => heard.push(`created ${p.state}`),
    onProcessRunning: (p) => heard.push(`running ${p.state}`),
    onProcessWaiting: (p) => heard.push(`waiting ${p.state}`),
    onProcessPaused: () => heard.push('paused'),
    onProcessPlayed: () => heard.push('played'),
    onOutputEmitted: (_p, port, value, dynamic) =>
      heard.push(`output ${port}=${JSON.stringify(value)}${dynamic ? ' (dynamic)' : ''}`),
    onProcessFinished: (_p, outputs) => heard.push(`finished ${JSON.stringify(outputs)}`),
    onProcessExcepted: (_p, reason: ErrorInfo) => heard.push(`excepted ${reason.message}`),
    onProcessKilled: (_p, message) => heard.push(`killed ${String(message)}`),
  }
  return { heard, listener }
}

/** The error a promise rejects with (fails the test when it resolves). */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject')
}

/** An ISO 8601 string on the wire, a Date in the process. */
export const DateFromISO = new t.Type<Date, string, unknown>(
  'DateFromISO',
  (u): u is Date => u instanceof Date,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected an ISO date string')
    const date = new Date(u)
    return Number.isNaN(date.getTime()) ? t.failure(u, c, 'not a date') : t.success(date)
  },
  (date) => date.toISOString(),
)
