/**
 * The PostgreSQL persister: checkpoints shared by every worker that reaches the database. Every
 * save is one upsert (or, in incremental mode, one statement writing a patch row), committed on
 * its own, or with `groupCommit` with the saves that waited for the same commit.
 */
import * as E from 'fp-ts/lib/Either.js'
import pg from 'pg'
import type { Bundle } from '../../checkpoint/bundle.js'
import { catalogColumnsOf } from '../catalog/columns.js'
import {
  checkHistoryOptions,
  type HistoryEntry,
  type HistoryOptions,
  type HistoryRead,
  type ProcessHistory,
  type StoredHistoryEntry,
} from '../catalog/history.js'
import type {
  ProcessCatalog,
  ProcessFilter,
  ProcessPage,
  ProcessQuery,
  StateCounts,
} from '../catalog/query.js'
import type { SqlStatement } from '../catalog/sql.js'
import { FencedOutError, type WriteFence } from '../fence.js'
import {
  IncrementalHeads,
  reassemble,
  type IncrementalOptions,
  type StoredRows,
} from '../incremental.js'
import type { PersistedCheckpoint, Persister } from '../persister.js'
import { deadlineToIndex, type DeadlineIndex, type DueProcess } from '../deadlines.js'
import { byAddress, checkpointText, notFound, tagKey } from '../stored.js'
import { postgresCatalog } from './catalog.js'
import { PostgresGroupCommit, writeAlone, type Committed } from './group-commit.js'
import { withConnection } from './checked-out.js'
import { PostgresHistory } from './history.js'
import { POSTGRES_SCHEMA, POSTGRES_STATEMENTS, SCHEMA_LOCK } from './schema.js'
import { preparedNames } from './statement-names.js'
import { PlainSaves, statement, type StatementName, type StoreStatement } from './plain-saves.js'

/** Where the database is: a URL to open a pool for, or a pool the caller keeps and ends. */
export type PostgresTarget = { readonly connectionString: string } | { readonly pool: pg.Pool }

/** Options of {@link PostgresPersister}. */
export type PostgresPersisterOptions = PostgresTarget & {
  /** Store successive checkpoints of a process as patches, a whole one every `compactEvery`. */
  readonly incremental?: IncrementalOptions
  /**
   * Saves asked for while a commit is in flight are committed together, in one transaction
   * (see `group-commit.ts`). Default false: each save commits on its own.
   */
  readonly groupCommit?: boolean
  /** How much process history to keep (default: all of it). */
  readonly history?: HistoryOptions
}

/** The name each statement is prepared under: made from its text (see `statement-names.ts`). */
const PREPARED_NAMES = Object.fromEntries(
  Object.entries(POSTGRES_STATEMENTS).map(([label, text]) => [
    label,
    preparedNames(label, text).lone,
  ]),
) as Record<StatementName, string>

/** The statements of a save, which queue for a shared commit. */
type SaveStatementName = Extract<
  StatementName,
  'saveWhole' | 'saveWholeUnread' | 'saveWholeFenced' | 'savePatch' | 'savePatchFenced'
>

interface AddressRow {
  readonly pid: string
  readonly tag: string | null
}

interface LoadRow {
  readonly body: string
  readonly version: string
  readonly base: string
  readonly patches: string[]
}

/**
 * Checkpoints in a PostgreSQL database, with indexed listings of its processes (`ProcessCatalog`)
 * and their history (`ProcessHistory`), and the deadline index of waiting processes (see
 * `../deadlines.ts`) written by the same statement as each checkpoint. The tables are created on
 * first use (or by `ensureSchema()`), safely when several workers start at once.
 *
 * @example
 * const persister = new PostgresPersister({ connectionString: 'postgres://localhost/plumpy' })
 * await persister.saveCheckpoint(bundle)
 * await persister.close()
 */
export class PostgresPersister implements Persister, ProcessCatalog, ProcessHistory, DeadlineIndex {
  /** The pool, for tools and tests that read the tables directly. */
  readonly pool: pg.Pool
  private readonly owned: boolean
  private readonly heads: IncrementalHeads | undefined
  /** Unfenced whole saves, which update the body alone where nothing indexed changes. */
  private readonly plain: PlainSaves
  private schema: Promise<void> | undefined
  /** Whether `schema` has resolved: writes then skip waiting for it. */
  private schemaReady = false
  /** With `groupCommit`: saves share commits while they wait (see `group-commit.ts`). */
  private readonly writes: PostgresGroupCommit | undefined
  private readonly catalog: ProcessCatalog
  private readonly history: PostgresHistory

  constructor(options: PostgresPersisterOptions) {
    const run = (statement: SqlStatement) => this.run(statement)
    this.catalog = postgresCatalog(run)
    this.history = new PostgresHistory(run, checkHistoryOptions(options.history))
    this.heads = options.incremental && new IncrementalHeads(options.incremental)
    if ('pool' in options) {
      this.pool = options.pool
      this.owned = false
    } else {
      this.pool = new pg.Pool({ connectionString: options.connectionString })
      this.owned = true
      // An idle connection that breaks must not crash the process: the next query reconnects.
      this.pool.on('error', () => undefined)
    }
    this.writes = options.groupCommit === true ? new PostgresGroupCommit(this.pool) : undefined
    this.plain = new PlainSaves((name, values, lockKey, alone) =>
      this.write(name, values, lockKey, alone),
    )
  }

  /**
   * Create the tables if they are missing. Idempotent; runs once per persister (every other
   * method waits for it). Concurrent `CREATE TABLE IF NOT EXISTS` from two workers can still
   * collide in the catalog, so the creation holds a transaction-scoped advisory lock.
   */
  ensureSchema(): Promise<void> {
    this.schema ??= this.createSchema().then(
      () => {
        this.schemaReady = true
      },
      (error: unknown) => {
        this.schema = undefined // let a later call retry, e.g. once the server is up
        throw error
      },
    )
    return this.schema
  }

  async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    await this.save(bundle, tag, undefined)
  }

  /**
   * Save only while `fence.lease` holds the claim of `fence.root` (see `claims.ts`); rejects
   * with a {@link FencedOutError}, writing nothing, otherwise. The claim row stays share-locked
   * until the write commits, so a worker taking the claim over waits for this write and then
   * loads it: a write of a worker that lost its claim can never land after the new owner's.
   */
  async saveFencedCheckpoint(bundle: Bundle, fence: WriteFence, tag?: string): Promise<void> {
    if (!(await this.save(bundle, tag, fence))) throw new FencedOutError(bundle.pid, fence)
  }

  /** False when a fenced write was refused. */
  private async save(
    bundle: Bundle,
    tag: string | undefined,
    fence: WriteFence | undefined,
  ): Promise<boolean> {
    const body = checkpointText(bundle)
    const key = tagKey(tag)
    const columns = catalogColumnsOf(bundle)
    const { state, paused, status } = columns
    const deadline = tag === undefined ? (deadlineToIndex(bundle) ?? null) : null
    const fenced = fence === undefined ? [] : [fence.root, fence.lease]
    const lockKey = fence?.root ?? bundle.pid
    const wholeValues = [
      ...[bundle.pid, tag ?? null, key, body, state, columns.parent],
      ...[columns.definition, columns.version, paused, status, deadline, columns.inbox],
      ...fenced,
    ]
    const saveWhole = async (name: 'saveWhole' | 'saveWholeFenced') =>
      (await this.write(name, wholeValues, lockKey)).result
    const heads = this.heads
    if (heads === undefined && fence === undefined) {
      await this.plain.save({ bundle, tagKey: key, indexed: { columns, deadline }, wholeValues })
      return true
    }
    this.plain.forget(bundle.pid, key)
    const readBack = fence === undefined ? 'saveWhole' : 'saveWholeFenced'
    if (heads === undefined) return (await saveWhole(readBack)).rowCount === 1
    try {
      const write = heads.plan(bundle.pid, key, body)
      if (write._tag === 'Patch') {
        const { result: patched } = await this.write(
          fence === undefined ? 'savePatch' : 'savePatchFenced',
          [
            ...[bundle.pid, key, write.after, write.patch, state, paused, status, deadline],
            columns.inbox,
            ...fenced,
          ],
          lockKey,
        )
        if (patched.rowCount === 1) {
          heads.committed(bundle, key, write, write.after + 1, false)
          return true
        }
      }
      const saved = await saveWhole(readBack)
      if (saved.rowCount !== 1) {
        heads.forget(bundle.pid, key)
        return false
      }
      const version = Number((saved.rows[0] as { version: string } | undefined)?.version)
      heads.committed(bundle, key, write, version, true)
      return true
    } catch (error) {
      heads.forget(bundle.pid, key)
      throw error
    }
  }

  async loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    const found = await this.findCheckpoint(pid, tag)
    if (found === undefined) throw notFound(pid, tag)
    return found
  }

  async findCheckpoint(pid: string, tag?: string): Promise<Bundle | undefined> {
    const result = await this.query('load', [pid, tagKey(tag)])
    const row = result.rows[0] as LoadRow | undefined
    if (row === undefined) return undefined
    const decoded = reassemble(storedRows(row), pid, tag)
    if (E.isLeft(decoded)) throw decoded.left
    return decoded.right
  }

  async getCheckpoints(): Promise<PersistedCheckpoint[]> {
    return toAddresses((await this.query('listAll', [])).rows as AddressRow[])
  }

  async getProcessCheckpoints(pid: string): Promise<PersistedCheckpoint[]> {
    return toAddresses((await this.query('listProcess', [pid])).rows as AddressRow[])
  }

  async deleteCheckpoint(pid: string, tag?: string): Promise<void> {
    this.heads?.forget(pid, tagKey(tag))
    this.plain.forget(pid, tagKey(tag))
    await this.query('deleteOne', [pid, tagKey(tag)])
  }

  async deleteProcessCheckpoints(pid: string): Promise<void> {
    this.heads?.forgetProcess(pid)
    this.plain.forgetProcess(pid)
    await this.query('deleteProcess', [pid])
  }

  async dueProcesses(now: number, limit: number): Promise<DueProcess[]> {
    const { rows } = await this.query('dueDeadlines', [Math.floor(now), limit])
    return (rows as { pid: string; deadline: string }[]).map((row) => ({
      pid: row.pid,
      deadline: Number(row.deadline),
    }))
  }

  listProcesses(query: ProcessQuery): Promise<ProcessPage> {
    return this.catalog.listProcesses(query)
  }

  countByState(filter: ProcessFilter): Promise<StateCounts> {
    return this.catalog.countByState(filter)
  }

  appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    return this.history.appendHistory(entries)
  }

  readHistory(pid: string, read?: HistoryRead): Promise<StoredHistoryEntry[]> {
    return this.history.readHistory(pid, read)
  }

  applyHistoryRetention(): Promise<number> {
    return this.history.applyHistoryRetention()
  }

  /**
   * Children that nobody will run: not terminal, their parent terminal or not stored, and last
   * saved more than `olderThanMs` ago (at most `limit` of them). Candidates for pruning: the
   * caller checks each (see `prune`), since a child of an ended parent may still be running.
   */
  async orphanCandidates(olderThanMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.query('orphans', [Math.max(0, Math.round(olderThanMs)), limit])
    return (rows as { pid: string }[]).map((row) => row.pid)
  }

  /**
   * Gives back the connection group commit holds, and ends the pool this persister opened; a
   * pool given to it is left to its owner.
   */
  async close(): Promise<void> {
    this.writes?.close()
    if (this.owned && !this.pool.ending) await this.pool.end()
  }

  private async query(name: StatementName, values: readonly unknown[]): Promise<pg.QueryResult> {
    await this.ensureSchema()
    // Named: each pooled connection parses and plans the statement once.
    return this.pool.query({
      name: PREPARED_NAMES[name],
      text: POSTGRES_STATEMENTS[name],
      values: [...values],
    })
  }

  /**
   * A save's statement; with group commit, queued for a shared commit, ordered in its batch by
   * `lockKey` (the pid of the first row it locks, see `group-commit.ts`). Written as `alone`
   * says when it is not in a batch (without group commit, never).
   */
  private write(
    name: SaveStatementName,
    values: readonly unknown[],
    lockKey: string,
    alone?: readonly StoreStatement[],
  ): Promise<Committed> {
    const writes = this.writes
    if (writes === undefined)
      return writeAlone(statement(name, values), alone, (s) => this.query(s.label, s.values))
    const grouped = { label: name, text: POSTGRES_STATEMENTS[name], values, lockKey, alone }
    // Once the tables exist a save queues at once: a strict process waits for its commit, and
    // every promise turn before the statement is sent is on that path.
    if (this.schemaReady) return writes.submit(grouped)
    return this.ensureSchema().then(() => writes.submit(grouped))
  }

  /** An unnamed statement (listings vary too much to be prepared by name). */
  private async run(statement: SqlStatement): Promise<pg.QueryResult> {
    await this.ensureSchema()
    return this.pool.query(statement.text, [...statement.params])
  }

  private createSchema(): Promise<void> {
    return withConnection(this.pool, async (client) => {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK])
      const { rows } = await client.query<{ missing: boolean }>(
        `SELECT to_regclass('checkpoints') IS NOT NULL
           AND to_regclass('process_deadlines') IS NULL AS missing`,
      )
      await client.query(POSTGRES_SCHEMA)
      if (rows[0]?.missing === true) await indexExisting(client)
      await client.query('COMMIT')
    })
  }
}

const storedRows = (row: LoadRow): StoredRows => ({
  body: row.body,
  version: Number(row.version),
  base: Number(row.base),
  patches: row.patches,
})

/**
 * A store made before the deadline index: index what its waiting roots wait on, in the
 * transaction that creates the index. A checkpoint that cannot be decoded is left out (whatever
 * loads it reports it).
 */
const indexExisting = async (client: pg.PoolClient): Promise<void> => {
  const { rows } = await client.query<{ pid: string }>(POSTGRES_STATEMENTS.waitingRoots)
  for (const { pid } of rows) {
    const { rows: found } = await client.query<LoadRow>(POSTGRES_STATEMENTS.load, [pid, ''])
    const row = found[0]
    if (row === undefined) continue
    const decoded = reassemble(storedRows(row), pid, undefined)
    const deadline = E.isRight(decoded) ? deadlineToIndex(decoded.right) : undefined
    if (deadline === undefined) continue
    await client.query('INSERT INTO process_deadlines (pid, deadline) VALUES ($1, $2)', [
      pid,
      deadline,
    ])
    await client.query(`UPDATE checkpoints SET deadline = $2 WHERE pid = $1 AND tag_key = ''`, [
      pid,
      deadline,
    ])
  }
}

const toAddresses = (rows: readonly AddressRow[]): PersistedCheckpoint[] =>
  rows.map((row) => ({ pid: row.pid, tag: row.tag ?? undefined })).sort(byAddress)
