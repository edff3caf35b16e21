/**
 * Ownership shared through the checkpoint database: claim rows held by workers' leases, and
 * checkpoint writes fenced by those claims.
 *
 * **Why not one advisory lock per process.** Session-level advisory locks live in the server's
 * shared lock table, sized by `max_locks_per_transaction × max_connections` (a few thousand
 * entries by default): at a few tens of thousands of live processes the server runs out of
 * shared memory and refuses every connection, `psql` included; looking a holder up scans the
 * whole table (`pg_locks`); and a server restart drops every lock at once, so every worker would
 * have to stop. Claims must scale like the checkpoints themselves (10^5–10^6 processes), so
 * they are rows:
 *
 * - **One lease per worker** (`worker_leases`, see `lease.ts`): alive while its worker's session
 *   holds one advisory lock (so a dead worker's processes are free at once), and across a server
 *   restart until its expiry, renewed in the background. One lock per worker, not per process.
 * - **One claim row per process tree** (`process_claims (pid, lease)`), taken before the root
 *   runs, deleted once the whole tree has ended and been written, handed back (lease NULL) when
 *   the worker stops. Claims and releases are batched into one transaction per burst, which
 *   does not wait for its own flush (see `claim-transactions.ts`); a claim reads in the same
 *   transaction whether its pid has a checkpoint. A claim held by a dead lease is taken over by
 *   the next claim of that pid.
 * - **Fenced writes**: every checkpoint of a tree is written only while the tree's claim row
 *   names this worker's lease, and share-locks that row until it commits. A worker whose lease
 *   died while it lived (a partition, a pause longer than its lease, a connection ended by an
 *   administrator) and whose tree another worker took over has its writes refused
 *   (`FencedOutError`), and the taker, whose claim waits for writes in flight, loads whatever
 *   was committed before it. So no checkpoint of the old owner can land after the new owner
 *   loaded, whatever the clocks or pauses.
 * - **Re-verified on reconnection**: each time the lease connection comes back, the claims this
 *   worker holds are read again; trees taken over meanwhile are reported (`onLost`), rows whose
 *   release was lost with the connection are deleted.
 *
 * Clock skew does not matter: expiries are compared with the database server's clock only. A
 * pause of the worker (a long collection) keeps its session, hence its lease; a pause longer
 * than the server's TCP keepalive ends the session, and then fencing applies.
 */
import type pg from 'pg'
import type { Bundle } from '../checkpoint/bundle.js'
import type { CheckedClaim } from '../comms/launcher-options.js'
import { claimAndLook, releaseClaims } from '../persistence/postgres/claim-transactions.js'
import { CLAIM_STATEMENTS as SQL } from '../persistence/postgres/claims.js'
import type { PostgresPersister } from '../persistence/postgres/persister.js'
import { consoleLogger, type Logger } from '../runtime/environment.js'
import { Lease, type LeaseReconnectOptions } from './lease.js'
import { OWNER_APPLICATION_PREFIX, type FencedWriter, type Ownership } from './ownership.js'

/** Options of {@link PostgresOwnership.connect}. */
export interface PostgresOwnershipOptions {
  /** The checkpoint database (the same URL as the store). */
  readonly url: string
  /** The store whose checkpoints this owner's writes go to (fenced by its claims). */
  readonly store: PostgresPersister
  /** This owner's name (the worker id); at most ~45 characters are kept in `pg_stat_activity`. */
  readonly name: string
  /** How long the lease outlives a database restart (default 30,000 ms; see `lease.ts`). */
  readonly leaseMs?: number
  readonly reconnect?: LeaseReconnectOptions
  /** Where lost and restored connections are reported (default stderr). */
  readonly logger?: Logger
  /**
   * Called when claims this owner held were taken over by another worker while it lived (found
   * when its connection came back): it must stop running those trees, and write nothing more.
   */
  readonly onLost?: (pids: readonly string[]) => void
}

/** The most claims or releases in one statement (a statement holds up the lease's queue). */
const MAX_BATCH = 2_000

interface Pending {
  readonly kind: 'claim' | 'release'
  readonly pid: string
  readonly settle: (outcome: CheckedClaim | Error) => void
}

/**
 * Claims as rows of the checkpoint database (see the module comment).
 *
 * @example
 * const store = new PostgresPersister({ connectionString: url })
 * const ownership = await PostgresOwnership.connect({ url, store, name: 'worker-1' })
 * if (await ownership.claim(pid)) run(pid)
 * else console.log(`running on ${await ownership.ownerOf(pid)}`)
 */
export class PostgresOwnership implements Ownership {
  private readonly mine = new Set<string>()
  /** Claims and releases in the order they were asked for, batched by kind. */
  private readonly pending: Pending[] = []
  private pumping = false
  readonly fencedWriter: FencedWriter

  private constructor(
    private readonly options: PostgresOwnershipOptions,
    private readonly lease: Lease,
  ) {
    const { store } = options
    this.fencedWriter = (bundle: Bundle, root: string, tag: string | undefined) =>
      store.saveFencedCheckpoint(bundle, { lease: lease.id, root }, tag)
  }

  /** Opens the lease; rejects with the reason when the database is unreachable. */
  static async connect(options: PostgresOwnershipOptions): Promise<PostgresOwnership> {
    await options.store.ensureSchema()
    // The lease reports reconnections to the owner built on it.
    const built: { ownership?: PostgresOwnership } = {}
    const lease = await Lease.open({
      url: options.url,
      name: options.name,
      applicationName: `${OWNER_APPLICATION_PREFIX}${options.name}`.slice(0, 63),
      logger: options.logger ?? consoleLogger,
      onLocked: async (client) => built.ownership?.verify(client),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(options.reconnect === undefined ? {} : { reconnect: options.reconnect }),
    })
    built.ownership = new PostgresOwnership(options, lease)
    return built.ownership
  }

  get name(): string {
    return this.options.name
  }

  /** This owner's lease id (the `lease` of its claim rows). */
  get leaseId(): number {
    return this.lease.id
  }

  async claim(pid: string): Promise<boolean> {
    return (await this.claimChecked(pid)).claimed
  }

  /**
   * Claim `pid`, and say whether the store held a checkpoint of it once claimed (read in the
   * claim's transaction; unknown when this owner held it already, as no statement runs then).
   */
  claimChecked(pid: string): Promise<CheckedClaim> {
    if (this.mine.has(pid)) return Promise.resolve({ claimed: true, stored: undefined })
    return this.enqueue('claim', pid)
  }

  async release(pid: string): Promise<void> {
    // Forgotten at once: a claim asked for later is queued after this release.
    if (!this.mine.delete(pid)) return
    await this.enqueue('release', pid)
  }

  async isClaimed(pid: string): Promise<boolean> {
    return (await this.ownerOf(pid)) !== undefined
  }

  async ownerOf(pid: string): Promise<string | undefined> {
    if (this.mine.has(pid)) return this.name
    const { rows } = await this.options.store.pool.query<{ name: string }>(SQL.ownerOf, [pid])
    return rows[0]?.name
  }

  holds(pid: string): boolean {
    return this.mine.has(pid)
  }

  async unheld(limit: number): Promise<string[]> {
    const { pool } = this.options.store
    await pool.query(SQL.dropSettled)
    const { rows } = await pool.query<{ pid: string }>(SQL.unheld, [limit])
    return rows.map((row) => row.pid)
  }

  async claimDue(now: number, limit: number): Promise<string[]> {
    const got: string[] = []
    // A contender that claimed at the same moment is not seen by this statement's snapshot:
    // the due rows it took make the insert conflict and come back unclaimed. A new statement
    // sees its claims and takes the next due rows instead (a few rounds at most).
    for (let round = 0; round < 3 && got.length < limit; round++) {
      const { rows } = await this.lease.run((client) =>
        client.query<{ due: number; pids: string[] }>(SQL.claimDue, [
          Math.floor(now),
          limit - got.length,
          this.lease.id,
        ]),
      )
      const { due = 0, pids = [] } = rows[0] ?? {}
      got.push(...pids)
      if (pids.length === due) break
    }
    for (const pid of got) this.mine.add(pid)
    return got
  }

  async handBack(): Promise<void> {
    this.mine.clear()
    await this.lease.run((client) => client.query(SQL.handBack, [this.lease.id]))
  }

  /** Ends the lease: claims not handed back are free once its session is gone. */
  async close(): Promise<void> {
    this.mine.clear()
    await this.lease.close()
  }

  private enqueue(kind: Pending['kind'], pid: string): Promise<CheckedClaim> {
    return new Promise<CheckedClaim>((resolve, reject) => {
      this.pending.push({
        kind,
        pid,
        settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
      })
      void this.pump()
    })
  }

  /** Runs the pending claims and releases, each run of one kind as one statement. */
  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.pending.length > 0) {
        const kind = this.pending[0]?.kind
        let end = 1
        while (end < MAX_BATCH && this.pending[end]?.kind === kind) end += 1
        const batch = this.pending.splice(0, end)
        const pids = [...new Set(batch.map((entry) => entry.pid))]
        try {
          if (kind === 'claim') {
            const { claimed, stored } = await this.lease.run((client) =>
              claimAndLook(client, pids, this.lease.id),
            )
            for (const pid of claimed) this.mine.add(pid)
            for (const entry of batch)
              entry.settle({ claimed: claimed.has(entry.pid), stored: stored.has(entry.pid) })
          } else {
            await this.lease.run((client) => releaseClaims(client, pids, this.lease.id))
            for (const entry of batch) entry.settle({ claimed: false, stored: undefined })
          }
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error))
          for (const entry of batch) entry.settle(failure)
        }
      }
    } finally {
      this.pumping = false
    }
  }

  /**
   * The lease connection is back: compare the claims in the database with those held here.
   * Trees taken over meanwhile are lost; rows whose release was lost with the connection (or
   * whose claim was committed but never answered) are deleted.
   */
  private async verify(client: pg.Client): Promise<void> {
    const { rows } = await client.query<{ pid: string }>(SQL.held, [this.lease.id])
    const held = new Set(rows.map((row) => row.pid))
    const stale = [...held].filter((pid) => !this.mine.has(pid))
    if (stale.length > 0) await client.query(SQL.release, [this.lease.id, stale])
    const lost = [...this.mine].filter((pid) => !held.has(pid))
    for (const pid of lost) this.mine.delete(pid)
    if (lost.length > 0) this.options.onLost?.(lost)
  }
}

/**
 * Who holds what, read from the database without taking a lease (for `revive` and `prune`).
 *
 * @example
 * const claims = new PostgresClaims(store)
 * await claims.ownerOf(pid) // 'worker-1', or undefined when no live worker holds it
 */
export class PostgresClaims implements Pick<Ownership, 'ownerOf'> {
  constructor(private readonly store: PostgresPersister) {}

  async ownerOf(pid: string): Promise<string | undefined> {
    await this.store.ensureSchema()
    const { rows } = await this.store.pool.query<{ name: string }>(SQL.ownerOf, [pid])
    return rows[0]?.name
  }
}
