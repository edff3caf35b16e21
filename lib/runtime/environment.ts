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

/** One-line log records. */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/** The default ids: random (version 4) UUIDs. */
export const uuidIds: IdSource = flatUuid

/** The default clock. */
export const systemClock: Clock = systemNow

/** The default scheduler: the check phase of Node's event loop, like asyncio's `call_soon`. */
export const immediateScheduler: Scheduler = (callback) => {
  setImmediate(callback)
}

/** Warnings and errors to stderr; info is silent unless PLUMPY_LOG=info. */
export const consoleLogger: Logger = {
  info: (message) => {
    if (process.env['PLUMPY_LOG'] === 'info') console.error(`[plumpy-ts] ${message}`)
  },
  warn: (message) => console.error(`[plumpy-ts] warning: ${message}`),
  error: (message) => console.error(`[plumpy-ts] error: ${message}`),
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} }
