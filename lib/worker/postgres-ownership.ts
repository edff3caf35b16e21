/**
 * Ownership through PostgreSQL session-level advisory locks, on a connection of its own to the
 * checkpoint database (advisory locks are per database, so every worker of a store sees the same
 * claims).
 *
 * A claim is `pg_try_advisory_lock(key)` where `key` is a 64-bit hash of the pid; it lives as
 * long as the session: a worker that dies (SIGKILL, crash, power loss once TCP notices) loses its
 * connection, the server ends the session and every claim of that worker is free at once. The
 * holder's name is read from `pg_stat_activity.application_name`, set to
 * `plumpy-ts worker <name>` on the claiming connection.
 *
 * If the connection drops while the worker lives (the server restarted), its claims are gone:
 * `onLost` is called and every later call rejects. The worker must then stop running its
 * processes (another worker may take them over); see `Worker`.
 */
import { createHash } from 'node:crypto'
import pg from 'pg'
import { OWNER_APPLICATION_PREFIX, type Ownership } from './ownership.js'

/** Options of {@link PostgresOwnership.connect}. */
export interface PostgresOwnershipOptions {
  /** The checkpoint database (the same URL as the store). */
  readonly url: string
  /** This owner's name (the worker id); at most ~45 characters are kept. */
  readonly name: string
  /** Called once if the connection, and with it every claim, is lost while not closing. */
  readonly onLost?: (error: Error) => void
}

/** The two 32-bit halves of a pid's lock key, as `pg_locks` shows them, and the whole key. */
export interface LockKey {
  /** The signed 64-bit key, as text for a `bigint` parameter. */
  readonly key: string
  /** `pg_locks.classid`: the high 32 bits, unsigned. */
  readonly high: number
  /** `pg_locks.objid`: the low 32 bits, unsigned. */
  readonly low: number
}

/** The advisory lock key of a pid: the first 8 bytes of SHA-256 over a namespaced pid. */
export const lockKeyOf = (pid: string): LockKey => {
  const digest = createHash('sha256').update(`plumpy-ts process ${pid}`).digest()
  return {
    key: digest.readBigInt64BE(0).toString(),
    high: digest.readUInt32BE(0),
    low: digest.readUInt32BE(4),
  }
}

const OWNER_QUERY = `
  SELECT a.application_name AS owner
  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
  LIMIT 1`

/**
 * Claims as PostgreSQL advisory locks.
 *
 * @example
 * const ownership = await PostgresOwnership.connect({ url, name: 'worker-1', onLost: stop })
 * if (await ownership.claim(pid)) run(pid)
 * else console.log(`running on ${await ownership.ownerOf(pid)}`)
 */
export class PostgresOwnership implements Ownership {
  private readonly mine = new Set<string>()
  /** One query at a time on the connection (pg no longer queues them for us). */
  private tail: Promise<unknown> = Promise.resolve()
  private closing = false
  private lost: Error | undefined

  private constructor(
    readonly name: string,
    private readonly client: pg.Client,
    private readonly onLost: ((error: Error) => void) | undefined,
  ) {}

  /** Opens the dedicated connection; rejects with the reason when the database is unreachable. */
  static async connect(options: PostgresOwnershipOptions): Promise<PostgresOwnership> {
    const client = new pg.Client({
      connectionString: options.url,
      application_name: `${OWNER_APPLICATION_PREFIX}${options.name}`.slice(0, 63),
      keepAlive: true,
    })
    const ownership = new PostgresOwnership(options.name, client, options.onLost)
    client.on('error', (error: Error) => ownership.connectionLost(error))
    client.on('end', () => ownership.connectionLost(new Error('the connection ended')))
    await client.connect()
    return ownership
  }

  async claim(pid: string): Promise<boolean> {
    if (this.mine.has(pid)) return true
    const { rows } = await this.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS ok',
      [lockKeyOf(pid).key],
    )
    if (rows[0]?.ok !== true) return false
    this.mine.add(pid)
    return true
  }

  async release(pid: string): Promise<void> {
    if (!this.mine.delete(pid) || this.lost !== undefined) return
    await this.query('SELECT pg_advisory_unlock($1::bigint)', [lockKeyOf(pid).key])
  }

  async isClaimed(pid: string): Promise<boolean> {
    return (await this.ownerOf(pid)) !== undefined
  }

  async ownerOf(pid: string): Promise<string | undefined> {
    if (this.mine.has(pid)) return this.name
    const { high, low } = lockKeyOf(pid)
    const { rows } = await this.query<{ owner: string | null }>(OWNER_QUERY, [high, low])
    const row = rows[0]
    if (row === undefined) return undefined
    const owner = row.owner ?? ''
    if (owner.startsWith(OWNER_APPLICATION_PREFIX))
      return owner.slice(OWNER_APPLICATION_PREFIX.length)
    return owner === '' ? 'unknown' : owner
  }

  holds(pid: string): boolean {
    return this.mine.has(pid)
  }

  /** Ends the session, which releases every claim at once. */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    this.mine.clear()
    await this.client.end().catch(() => undefined)
  }

  private query<R extends pg.QueryResultRow>(text: string, values: unknown[]) {
    const run = async () => {
      if (this.closing) throw new Error(`ownership of ${this.name} is closed`)
      if (this.lost !== undefined)
        throw new Error(`ownership of ${this.name} was lost: ${this.lost.message}`)
      return this.client.query<R>(text, values)
    }
    const result = this.tail.then(run, run)
    this.tail = result.catch(() => undefined)
    return result
  }

  private connectionLost(error: Error): void {
    if (this.closing || this.lost !== undefined) return
    this.lost = error
    this.mine.clear()
    this.onLost?.(error)
  }
}
