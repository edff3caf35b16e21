/**
 * Group commit for PostgreSQL. While a commit is in flight, the saves asked for meanwhile (other
 * processes waiting on their checkpoints) queue up; they then go to the server together, as one
 * multi-statement query `BEGIN; …; COMMIT`: one round trip and one WAL flush for the lot, instead
 * of one each. A lone save is one named (prepared) autocommitted statement, as without grouping.
 * Statements are prepared under names made from their text (see `statement-names.ts`), so that
 * stores of other versions sharing the pool, or sharing it at the same version, never meet on a
 * name with another text.
 * Each save's promise resolves with its own statement's result once the batch is committed.
 * Writes follow each other on one connection held while they keep coming (`held-connection.ts`).
 *
 * A batch runs its statements in the order of the rows they lock first (see `lock-order.ts`),
 * not in the order they queued: a batch of fenced saves share-locks the claims of several roots,
 * and a statement that changes several claims at once takes them in that order too. The saves
 * of one process keep their queue order (the sort is stable), so its last save is written last.
 */
import pg from 'pg'
import { HeldConnection } from './held-connection.js'
import { compareLockKeys } from './lock-order.js'
import { sqlLiteral } from './sql-literals.js'
import { preparedNames, type PreparedNames } from './statement-names.js'

/** A statement: its text with `$n` parameters, and their values. */
export interface LabelledStatement {
  /** What the statement is (`saveWhole`): the stem of the names it is prepared under. */
  readonly label: string
  readonly text: string
  readonly values: readonly unknown[]
}

/** One statement of a batch. */
export interface GroupedStatement extends LabelledStatement {
  /**
   * The pid of the row it locks first, which orders it within a batch: the claim of a fenced
   * save's root, the saved process's own pid otherwise.
   */
  readonly lockKey: string
  /**
   * How to write it when it runs alone, not in a batch: these statements in turn, until one
   * changes a row (the last whatever it changes). A batch runs the statement itself. The cheaper
   * go first: an update of a row as the writer last left it, which another write may have moved,
   * before the upsert that writes whatever the row holds (and reads back what it stored).
   */
  readonly alone?: readonly LabelledStatement[] | undefined
}

/** A committed statement: its result, and which of its `alone` statements wrote it. */
export interface Committed {
  readonly result: pg.QueryResult
  /** The index in `alone` of the statement that wrote; undefined when the statement itself did. */
  readonly by: number | undefined
}

interface Entry {
  readonly statement: GroupedStatement
  readonly resolve: (committed: Committed) => void
  readonly reject: (error: unknown) => void
}

/** A queue of autocommitted statements that share commits while they wait. */
export class PostgresGroupCommit {
  private queue: Entry[] = []
  private inFlight = false
  private readonly connection: HeldConnection
  /** The batch names known to be prepared on each connection (see `prepare`). */
  private readonly prepared = new WeakMap<pg.PoolClient, Set<string>>()
  /** The names of each statement text submitted, made once per text. */
  private readonly names = new Map<string, PreparedNames>()

  constructor(private readonly pool: pg.Pool) {
    this.connection = new HeldConnection(pool)
  }

  /** Give the held connection back to the pool (before the pool ends). */
  close(): void {
    this.connection.close()
  }

  /** Run `statement`; resolves with its result once it is committed. */
  submit(statement: GroupedStatement): Promise<Committed> {
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
    void this.write(batch)
      .catch((error: unknown) => {
        // Not a statement the server refused (each entry gets its own): a fault of ours, so no
        // save is left waiting for ever. Settling an entry twice changes nothing.
        for (const entry of batch) entry.reject(error)
      })
      .finally(() => {
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
        ordered.forEach((entry, index) =>
          entry.resolve({ result: results[index] as pg.QueryResult, by: undefined }),
        )
        return
      } catch (_) {
        // One failing statement must not fail the others: each runs on its own instead.
      }
    }
    const lone = batch.length === 1 ? batch[0] : undefined
    if (lone !== undefined) {
      // Built inside the use, so that a statement that cannot be built fails its own save.
      await this.connection
        .run((client) =>
          writeAlone(lone.statement, lone.statement.alone, (s) => this.runNamed(client, s)),
        )
        .then(lone.resolve, lone.reject)
      return
    }
    await Promise.all(
      batch.map(async ({ statement, resolve, reject }) => {
        try {
          const result = await this.pool.query({
            name: this.namesOf(statement.label, statement.text).lone,
            text: statement.text,
            values: [...statement.values],
          })
          resolve({ result, by: undefined })
        } catch (error) {
          reject(error)
        }
      }),
    )
  }

  /**
   * `statement` on `client`, prepared at the protocol level under its name. Built as a `Query`
   * of the text and values, named afterwards: `client.query` copies a config object property by
   * property (`Object.getOwnPropertyDescriptors`), which is about 6 µs on a strict save's path.
   */
  private runNamed(client: pg.PoolClient, statement: LabelledStatement): Promise<pg.QueryResult> {
    const name = this.namesOf(statement.label, statement.text).lone
    return new Promise((resolve, reject) => {
      const query = new pg.Query(statement.text, [...statement.values], (error, result) => {
        if (error === undefined || error === null) resolve(result)
        else reject(error)
      })
      ;(query as { name?: string }).name = name
      client.query(query)
    })
  }

  private namesOf(label: string, text: string): PreparedNames {
    let names = this.names.get(text)
    if (names === undefined) this.names.set(text, (names = preparedNames(label, text)))
    return names
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
      const executions = statements.map((s) => execute(client, this.namesOf(s.label, s.text), s))
      const text = ['BEGIN', ...executions, 'COMMIT'].join(';\n')
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

  /**
   * Prepare on `client` (SQL `PREPARE`, once per connection) what `statements` run. What the
   * connection has already is asked of the server first: another store sharing the pool may
   * have prepared the same text under the same name (a second `PREPARE` would fail), and a
   * `PREPARE` of several that failed part way has kept those before the failure.
   */
  private async prepare(
    client: pg.PoolClient,
    statements: readonly GroupedStatement[],
  ): Promise<void> {
    let known = this.prepared.get(client)
    if (known === undefined) this.prepared.set(client, (known = new Set()))
    const missing = new Map<string, string>()
    for (const { label, text } of statements) {
      const { batch } = this.namesOf(label, text)
      if (!known.has(batch)) missing.set(batch, text)
    }
    if (missing.size === 0) return
    const { rows } = await client.query<{ name: string }>(
      'SELECT name FROM pg_prepared_statements WHERE name = ANY($1::text[])',
      [[...missing.keys()]],
    )
    for (const { name } of rows) {
      known.add(name)
      missing.delete(name)
    }
    if (missing.size === 0) return
    // Quoted: unquoted, the server would fold the name to lower case, and then not find it in
    // `pg_prepared_statements` under the name asked for.
    const prepares = [...missing].map(
      ([name, text]) => `PREPARE ${client.escapeIdentifier(name)} AS ${text}`,
    )
    await client.query(prepares.join(';\n'))
    for (const name of missing.keys()) known.add(name)
  }
}

/**
 * `statement` written alone by `run`: the `alone` statements in turn until one changes a row (see
 * `GroupedStatement.alone`), or the statement itself when there are none.
 */
export const writeAlone = async <S extends LabelledStatement>(
  statement: S,
  alone: readonly S[] | undefined,
  run: (statement: S) => Promise<pg.QueryResult>,
): Promise<Committed> => {
  if (alone === undefined || alone.length === 0)
    return { result: await run(statement), by: undefined }
  for (let by = 0; ; by++) {
    const next = alone[by] as S
    const result = await run(next)
    if (by === alone.length - 1 || (result.rowCount ?? 0) > 0) return { result, by }
  }
}

/** `EXECUTE` of the statement prepared for batches, its parameters as literals. */
const execute = (
  client: pg.PoolClient,
  names: PreparedNames,
  { values }: GroupedStatement,
): string => {
  const literals = values.map((value) => sqlLiteral(client, value))
  return `EXECUTE ${client.escapeIdentifier(names.batch)}(${literals.join(', ')})`
}
