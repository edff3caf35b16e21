/**
 * The ports through which the outside world reaches processes: ids, time, scheduling and logging.
 * The pure core never reads any of them; the runtime does, and tests can replace them.
 */
import { flatUuid } from './flat-uuid.js'
import { systemNow } from './system-timers.js'
import type { CancelTimer } from './timer-queue.js'

/** Where ids come from (random UUIDs by default). */
export type IdSource = () => string

/** Where time comes from, in milliseconds since the epoch. */
export type Clock = () => number

/**
 * A clock with timers: durable timers are armed through it, at absolute deadlines read against
 * `now`. `systemTime()` is the event loop's; a `TestClock` (`plumpy-ts/testing`) moves only when
 * told to, firing what falls due in deadline order.
 */
export interface TimeSource {
  now(): number
  /** Call `callback` once `now()` has reached `deadline`; the result cancels it. */
  at(deadline: number, callback: () => void): CancelTimer
}

/**
 * Runs a callback on a later turn of the event loop. Processes interleave only through it: a
 * step never yields the loop by itself.
 */
export type Scheduler = (callback: () => void) => void

/** Which process (and step) a log line is about; loggers that keep fields keep these. */
export interface LogContext {
  readonly pid?: string
  readonly definition?: string
  readonly step?: string
}

/**
 * One-line log records: the port through which the runtime, workers and steps log. Any object
 * with these methods will do (`console`-like, or an adapter of a logging library such as the
 * command line's pino one); the context is optional for them to keep.
 */
export interface Logger {
  info(message: string, context?: LogContext): void
  warn(message: string, context?: LogContext): void
  error(message: string, context?: LogContext): void
  /** Detail that a running system does not need (a worker's every transition); optional. */
  debug?(message: string, context?: LogContext): void
}

/** The default ids: random (version 4) UUIDs. */
export const uuidIds: IdSource = flatUuid

/** The default clock. */
export const systemClock: Clock = systemNow

/** The default scheduler: the check phase of Node's event loop, like asyncio's `call_soon`. */
export const immediateScheduler: Scheduler = (callback) => {
  setImmediate(callback)
}

/** `Definition pid step: ` for a line about a process (as much of it as is known), or nothing. */
export const describeLogContext = (context: LogContext | undefined): string => {
  if (context?.pid === undefined) return ''
  const parts = [context.definition, context.pid, context.step].filter((part) => part !== undefined)
  return `${parts.join(' ')}: `
}

/** Warnings and errors to stderr; info is silent unless PLUMPY_LOG=info. */
export const consoleLogger: Logger = {
  info: (message, context) => {
    if (process.env['PLUMPY_LOG'] === 'info')
      console.error(`[plumpy-ts] ${describeLogContext(context)}${message}`)
  },
  warn: (message, context) =>
    console.error(`[plumpy-ts] warning: ${describeLogContext(context)}${message}`),
  error: (message, context) =>
    console.error(`[plumpy-ts] error: ${describeLogContext(context)}${message}`),
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} }
