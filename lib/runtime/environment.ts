/**
 * The ports through which the outside world reaches processes: ids, time, scheduling and logging.
 * The pure core never reads any of them; the runtime does, and tests can replace them.
 */
import { flatUuid } from './flat-uuid.js'

/** Where ids come from (random UUIDs by default). */
export type IdSource = () => string

/** Where time comes from, in milliseconds since the epoch. */
export type Clock = () => number

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
export const systemClock: Clock = () => Date.now()

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
