/**
 * Whether a store failed for a while rather than for good: the server is down, restarting, or
 * out of connections. Such failures are retried (a checkpoint write) or handed to another
 * attempt (a task goes back to the queue); any other failure is reported as it is.
 */

/** Network errors of Node's sockets. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * PostgreSQL SQLSTATE classes and codes of a server that is unreachable or restarting: 08
 * (connection exception), 57P01–57P03 (shutdown, crash, cannot connect now), 53 (insufficient
 * resources: too many connections, out of memory).
 */
const POSTGRES = /^(08|57P0[123]|53)/

/** Messages of `pg` for a connection that died under a query (they carry no code). */
const DROPPED =
  /Connection terminated|connection timeout|Client has encountered a connection error/i

/** Whether `error` is a store being unavailable for a while (see the module comment). */
export const isTransientStoreError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (NETWORK.has(code) || POSTGRES.test(code))) return true
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true
  return DROPPED.test(error.message)
}
