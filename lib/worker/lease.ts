/**
 * A worker's lease on the checkpoint database: a row of `worker_leases` and a session-level
 * advisory lock `(LEASE_LOCK_CLASS, lease id)` on a connection of its own, kept across database
 * restarts and dropped connections.
 *
 * - **Alive** while the session holds the lock: a worker that dies (SIGKILL, crash; power loss
 *   once TCP notices) loses its session and its lease is dead at once, so its processes can be
 *   taken over at once. One lock per worker, however many processes it runs.
 * - **Across a server restart** (every session ends with it), a lease stays alive until its
 *   `expires_at`, renewed every third of `leaseMs`: its worker has that long to reconnect and
 *   take its lock again before anyone may take its processes over.
 * - **Reconnection** with exponential backoff. Queries wait while the connection is down (up to
 *   `leaseMs`, then they reject). Each time the lock is taken again, `onLocked` runs first, before
 *   any waiting query: the owner re-verifies its claims there.
 *
 * Time is the server's (`now()`, `pg_postmaster_start_time()`): the clocks of workers never
 * matter, so clock skew between machines cannot make a lease look dead or alive.
 */
import pg from 'pg'
import { CLAIM_STATEMENTS as SQL } from '../persistence/postgres/claims.js'
import type { Logger } from '../runtime/environment.js'

/** How a lease reconnects (exponential backoff). */
export interface LeaseReconnectOptions {
  /** Delay before the first attempt (default 100 ms). */
  readonly initialDelayMs?: number
  /** Longest delay between attempts (default 2,000 ms). */
  readonly maxDelayMs?: number
}

/** Options of {@link Lease.open}. */
export interface LeaseOptions {
  /** The checkpoint database. */
  readonly url: string
  /** The worker's name, as `ownerOf` reports it; also the connection's `application_name`. */
  readonly name: string
  /** `application_name` of the connection. */
  readonly applicationName: string
  /** How long the lease outlives a server restart (default 30,000 ms). */
  readonly leaseMs?: number
  readonly reconnect?: LeaseReconnectOptions
  /** Reports lost and restored connections. */
  readonly logger: Logger
  /** Runs on each new connection once the lock is held again, before any waiting query. */
  readonly onLocked?: (client: pg.Client) => Promise<void>
}

/** A worker's lease, and the connection that holds it. */
export class Lease {
  private client: pg.Client | undefined
  /** One query at a time on the connection (pg no longer queues them for us). */
  private tail: Promise<unknown> = Promise.resolve()
  private ready: Promise<pg.Client>
  private markReady: (client: pg.Client) => void = () => undefined
  private closing = false
  private readonly heartbeat: NodeJS.Timeout
  private readonly leaseMs: number

  private constructor(
    readonly id: number,
    private readonly options: LeaseOptions,
    client: pg.Client,
  ) {
    this.leaseMs = options.leaseMs ?? 30_000
    this.client = client
    this.ready = Promise.resolve(client)
    this.watch(client)
    this.heartbeat = setInterval(() => void this.renew(), this.leaseMs / 3).unref()
  }

  /** Opens a lease for a worker; rejects when the database cannot be reached. */
  static async open(options: LeaseOptions): Promise<Lease> {
    const leaseMs = options.leaseMs ?? 30_000
    if (!Number.isInteger(leaseMs) || leaseMs < 300)
      throw new RangeError(`leaseMs must be an integer of at least 300 ms, got ${leaseMs}`)
    const client = await connectClient(options)
    try {
      await client.query(SQL.reapLeases)
      const { rows } = await client.query<{ id: number }>(SQL.openLease, [options.name, leaseMs])
      const id = Number(rows[0]?.id)
      await lockOn(client, id, options, leaseMs)
      return new Lease(id, options, client)
    } catch (error) {
      await client.end().catch(() => undefined)
      throw error
    }
  }

  /**
   * Runs `query` on the lease's connection, after every query asked for before it; waits while
   * the connection is down, and rejects if it is not back within the lease's time.
   */
  run<T>(query: (client: pg.Client) => Promise<T>): Promise<T> {
    const go = async () => {
      if (this.closing) throw new Error(`the lease of ${this.options.name} is closed`)
      const client = await withTimeout(
        this.ready,
        this.leaseMs,
        () => `the database has been unreachable for ${this.leaseMs} ms`,
      )
      return query(client)
    }
    const result = this.tail.then(go, go)
    this.tail = result.catch(() => undefined)
    return result
  }

  /** Ends the lease: its row goes, and with the session its lock. Idempotent. */
  async close(): Promise<void> {
    if (this.closing) return
    clearInterval(this.heartbeat)
    await this.run((client) => client.query(SQL.closeLease, [this.id])).catch(() => undefined)
    this.closing = true
    await this.client?.end().catch(() => undefined)
  }

  private async renew(): Promise<void> {
    if (this.client === undefined) return
    await this.run((client) =>
      client.query(SQL.renew, [this.id, this.options.name, this.leaseMs]),
    ).catch(() => undefined)
  }

  private watch(client: pg.Client): void {
    client.on('error', (error: Error) => this.dropped(client, error))
    client.on('end', () => this.dropped(client, new Error('the connection ended')))
  }

  private dropped(client: pg.Client, error: Error): void {
    if (this.closing || this.client !== client) return
    this.client = undefined
    client.end().catch(() => undefined)
    this.ready = new Promise((resolve) => (this.markReady = resolve))
    this.options.logger.warn(`connection to the database lost (${error.message}): reconnecting`)
    void this.reconnect(Date.now())
  }

  private async reconnect(since: number): Promise<void> {
    const first = this.options.reconnect?.initialDelayMs ?? 100
    const longest = this.options.reconnect?.maxDelayMs ?? 2_000
    for (let attempt = 1, delay = first; !this.closing; attempt++) {
      await sleep(delay)
      delay = Math.min(delay * 2, longest)
      let client: pg.Client | undefined
      try {
        client = await connectClient(this.options)
        await lockOn(client, this.id, this.options, this.leaseMs)
        await this.options.onLocked?.(client)
      } catch (error) {
        await client?.end().catch(() => undefined)
        if (attempt % 10 === 0)
          this.options.logger.warn(`database still unreachable (${reasonOf(error)}): retrying`)
        continue
      }
      if (this.closing) {
        await client.end().catch(() => undefined)
        return
      }
      this.client = client
      this.watch(client)
      this.markReady(client)
      const seconds = ((Date.now() - since) / 1000).toFixed(1)
      this.options.logger.warn(`reconnected to the database after ${seconds} s, lease kept`)
      return
    }
  }
}

const connectClient = async (options: LeaseOptions): Promise<pg.Client> => {
  const client = new pg.Client({
    connectionString: options.url,
    application_name: options.applicationName,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
  })
  // Until `watch` takes over, an error must not crash the program: connect() reports it.
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/**
 * Takes the lease lock on `client`. A session of ours that the server has not ended yet (the
 * network dropped, the server did not restart) still holds it: that session is ended first.
 */
const lockOn = async (
  client: pg.Client,
  id: number,
  options: LeaseOptions,
  leaseMs: number,
): Promise<void> => {
  const tryLock = async () =>
    (await client.query<{ locked: boolean }>(SQL.lockLease, [id])).rows[0]?.locked === true
  if (!(await tryLock())) {
    const { rows } = await client.query<{ pid: number }>(SQL.lockHolder, [id])
    for (const row of rows) await client.query(SQL.terminate, [row.pid])
    if (!(await tryLock())) throw new Error(`lease ${id} is still locked by an old session`)
  }
  await client.query(SQL.markLocked, [id, options.name, leaseMs])
}

const withTimeout = <T>(promise: Promise<T>, ms: number, why: () => string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why())), ms)
    timer.unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)
