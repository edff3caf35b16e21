/**
 * Group commit for PostgreSQL. While a commit is in flight, the saves asked for meanwhile (other
 * processes waiting on their checkpoints) queue up; they then go to the server together, as one
 * multi-statement query `BEGIN; …; COMMIT`: one round trip and one WAL flush for the lot, instead
 * of one each. A lone save is one named (prepared) autocommitted statement, as without grouping.
 * Each save's promise resolves with its own statement's result once the batch is committed.
 * Writes follow each other on one connection held while they keep coming (`held-connection.ts`).
 *
 * A batch runs its statements in the order of the rows they lock first (see `lock-order.ts`),
 * not in the order they queued: a batch of fenced saves share-locks the claims of several roots,
 * and a statement that changes several claims at once takes them in that order too. The saves
 * of one process keep their queue order (the sort is stable), so its last save is written last.
 */
import type pg from 'pg'
import { HeldConnection } from './held-connection.js'
import { compareLockKeys } from './lock-order.js'

/** One statement of a batch: its text with `$n` parameters, and their values. */
export interface GroupedStatement {
  /** The name it is prepared under when it runs alone. */
  readonly name: string
  readonly text: string
  readonly values: readonly unknown[]
  /**
   * The pid of the row it locks first, which orders it within a batch: the claim of a fenced
   * save's root, the saved process's own pid otherwise.
   */
  readonly lockKey: string
}

interface Entry {
  readonly statement: GroupedStatement
  readonly resolve: (result: pg.QueryResult) => void
  readonly reject: (error: unknown) => void
}

/** A queue of autocommitted statements that share commits while they wait. */
export class PostgresGroupCommit {
  private queue: Entry[] = []
  private inFlight = false
  private readonly connection: HeldConnection
  /** The statements prepared for batches on each connection (see `prepare`). */
  private readonly prepared = new WeakMap<pg.PoolClient, Set<string>>()

  constructor(private readonly pool: pg.Pool) {
    this.connection = new HeldConnection(pool)
  }

  /** Give the held connection back to the pool (before the pool ends). */
  close(): void {
    this.connection.close()
  }

  /** Run `statement`; resolves with its result once it is committed. */
  submit(statement: GroupedStatement): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statement, resolve, reject })
      if (!this.inFlight) this.next()
    })
  }

  private next(): void {
    const batch = this.queue
    if (batch.length === 0) return
    this.queue = []
    this.inFlight = true
    void this.write(batch).finally(() => {
      this.inFlight = false
      this.next()
    })
  }

  private async write(batch: readonly Entry[]): Promise<void> {
    if (batch.length > 1) {
      const ordered = [...batch].sort((a, b) =>
        compareLockKeys(a.statement.lockKey, b.statement.lockKey),
      )
      try {
        const results = await this.together(ordered.map((entry) => entry.statement))
        ordered.forEach((entry, index) => entry.resolve(results[index] as pg.QueryResult))
        return
      } catch (_) {
        // One failing statement must not fail the others: each runs on its own instead.
      }
    }
    const lone = batch.length === 1 ? batch[0] : undefined
    if (lone !== undefined) {
      const { name, text, values } = lone.statement
      await this.connection
        .run((client) => client.query({ name, text, values: [...values] }))
        .then(lone.resolve, lone.reject)
      return
    }
    await Promise.all(
      batch.map(({ statement: { name, text, values }, resolve, reject }) =>
        this.pool.query({ name, text, values: [...values] }).then(resolve, reject),
      ),
    )
  }

  /**
   * The statements in one transaction, sent as one query; their results, in order. Each runs as
   * `EXECUTE` of a statement prepared once on the connection: a statement sent with its values
   * inlined would be parsed and planned again every time, which cost more than running it (a
   * quarter of a millisecond per save, most of a batch's time on the server).
   */
  private together(statements: readonly GroupedStatement[]): Promise<pg.QueryResult[]> {
    return this.connection.run(async (client) => {
      await this.prepare(client, statements)
      const text = ['BEGIN', ...statements.map((s) => execute(client, s)), 'COMMIT'].join(';\n')
      try {
        const results = (await client.query(text)) as unknown as pg.QueryResult[]
        return results.slice(1, 1 + statements.length)
      } catch (error) {
        // The failed statement left the transaction aborted: roll it back so that the
        // connection can be used again (one that cannot is destroyed when released).
        if (!this.connection.broken)
          await client.query('ROLLBACK').catch((rollbackError: unknown) => {
            this.connection.discard(rollbackError)
          })
        throw error
      }
    })
  }

  /** Prepare on `client` (SQL `PREPARE`, once per connection) what `statements` run. */
  private async prepare(
    client: pg.PoolClient,
    statements: readonly GroupedStatement[],
  ): Promise<void> {
    let names = this.prepared.get(client)
    if (names === undefined) this.prepared.set(client, (names = new Set()))
    const missing = new Map<string, string>()
    for (const { name, text } of statements) if (!names.has(name)) missing.set(name, text)
    if (missing.size === 0) return
    await client.query(
      [...missing].map(([name, text]) => `PREPARE ${batchName(name)} AS ${text}`).join(';\n'),
    )
    for (const name of missing.keys()) names.add(name)
  }
}

/**
 * The name a statement is prepared under for batches: not its own, which the client library
 * prepares at the protocol level for lone runs on the same connection.
 */
const batchName = (name: string): string => `${name}_batch`

/**
 * `EXECUTE` of the statement prepared for batches, its parameters as quoted literals (every
 * parameter of the store's statements is cast, `$1::text`, so a quoted literal takes the type
 * the statement names).
 */
const execute = (client: pg.PoolClient, { name, values }: GroupedStatement): string => {
  const literals = values.map((value) =>
    value === null || value === undefined ? 'NULL' : client.escapeLiteral(String(value)),
  )
  return `EXECUTE ${batchName(name)}(${literals.join(', ')})`
}
