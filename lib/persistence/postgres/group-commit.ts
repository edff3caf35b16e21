/**
 * Group commit for PostgreSQL. While a commit is in flight, the saves asked for meanwhile (other
 * processes waiting on their checkpoints) queue up; they then go to the server together, as one
 * multi-statement query `BEGIN; …; COMMIT`: one round trip and one WAL flush for the lot, instead
 * of one each. A lone save is one named (prepared) autocommitted statement, as without grouping.
 * Each save's promise resolves with its own statement's result once the batch is committed.
 *
 * A batch runs its statements in the order of the rows they lock first (see `lock-order.ts`),
 * not in the order they queued: a batch of fenced saves share-locks the claims of several roots,
 * and a statement that changes several claims at once takes them in that order too. The saves
 * of one process keep their queue order (the sort is stable), so its last save is written last.
 */
import type pg from 'pg'
import { withConnection } from './checked-out.js'
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

  constructor(private readonly pool: pg.Pool) {}

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
    await Promise.all(
      batch.map(({ statement: { name, text, values }, resolve, reject }) =>
        this.pool.query({ name, text, values: [...values] }).then(resolve, reject),
      ),
    )
  }

  /** The statements in one transaction, sent as one query; their results, in order. */
  private together(statements: readonly GroupedStatement[]): Promise<pg.QueryResult[]> {
    return withConnection(this.pool, async (client) => {
      const text = ['BEGIN', ...statements.map((s) => inline(client, s)), 'COMMIT'].join(';\n')
      const results = (await client.query(text)) as unknown as pg.QueryResult[]
      return results.slice(1, 1 + statements.length)
    })
  }
}

/**
 * `text` with its `$n` parameters replaced by quoted literals (every parameter of the store's
 * statements is cast, `$1::text`, so a quoted literal takes the type the statement names).
 */
const inline = (client: pg.PoolClient, { text, values }: GroupedStatement): string =>
  text.replace(/\$(\d+)/g, (_, index: string) => {
    const value = values[Number(index) - 1]
    return value === null || value === undefined ? 'NULL' : client.escapeLiteral(String(value))
  })
