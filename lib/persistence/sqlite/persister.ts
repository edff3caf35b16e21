/**
 * The SQLite persister, the embedded default store: one file, WAL, `synchronous=NORMAL` (a commit
 * survives a crash of the process; a power cut may lose the last few, never corrupt the file),
 * statements prepared once. better-sqlite3 is synchronous: a save is one short native call, and
 * saves asked for together share one transaction (see `group-commit.ts`). Either way a save is
 * committed when its promise resolves.
 */
import Database from 'better-sqlite3'
import * as E from 'fp-ts/lib/Either.js'
import type { Bundle } from '../../checkpoint/bundle.js'
import {
  IncrementalHeads,
  reassemble,
  type IncrementalOptions,
  type StoredRows,
} from '../incremental.js'
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
import { systemClock, type Clock } from '../../runtime/environment.js'
import type { PersistedCheckpoint, Persister } from '../persister.js'
import {
  byDeadline,
  deadlineToIndex,
  type ClaimableDeadlineIndex,
  type DueClaim,
  type DueProcess,
} from '../deadlines.js'
import { byAddress, notFound, tagKey } from '../stored.js'
import { SqliteCatalog } from './catalog.js'
import { GroupCommit } from './group-commit.js'
import { saveParameters, type SaveParameters } from './save-parameters.js'
import { SqliteHistory } from './history.js'
import {
  SQLITE_CATALOG_SCHEMA,
  SQLITE_LACKS_DEADLINE_INDEX,
  SQLITE_SCHEMA,
  SQLITE_STATEMENTS,
} from './schema.js'
import { addCatalogColumns, fillCatalogColumns } from './upgrade.js'

/** Where the database is: a file to open (`':memory:'` works too), or an open connection. */
export type SqliteTarget =
  | { readonly path: string }
  | {
      /** An open connection; the caller keeps it (and its pragmas), and closes it. */
      readonly database: Database.Database
    }

/** Options of {@link SqlitePersister}. */
export type SqlitePersisterOptions = SqliteTarget & {
  /** Store successive checkpoints of a process as patches, a whole one every `compactEvery`. */
  readonly incremental?: IncrementalOptions
  /** How much process history to keep (default: all of it). */
  readonly history?: HistoryOptions
  /** The time of saves, as listings show it (default the system clock). */
  readonly clock?: Clock
}

interface HeadRow {
  readonly body: string
  readonly version: number
  readonly base: number
}

interface AddressRow {
  readonly pid: string
  readonly tag: string | null
}

/** One queued save. */
interface Save {
  readonly bundle: Bundle
  readonly params: SaveParameters
}

type Statements = { readonly [K in keyof typeof SQLITE_STATEMENTS]: Database.Statement }

/**
 * Checkpoints in a SQLite database, with indexed listings of its processes (`ProcessCatalog`)
 * and their history (`ProcessHistory`), and the deadline index of waiting processes (see
 * `../deadlines.ts`) written in the same transaction as each checkpoint.
 *
 * @example
 * const persister = new SqlitePersister({ path: 'checkpoints.db', incremental: { compactEvery: 50 } })
 * await persister.saveCheckpoint(bundle)
 * await persister.close()
 */
export class SqlitePersister
  implements Persister, ProcessCatalog, ProcessHistory, ClaimableDeadlineIndex
{
  /** The connection, for tools and tests that read the tables directly. */
  readonly database: Database.Database
  private readonly owned: boolean
  private readonly statements: Statements
  private readonly heads: IncrementalHeads | undefined
  private readonly saves: GroupCommit<Save>
  private readonly readRows: (pid: string, key: string) => StoredRows | undefined
  private readonly catalog: SqliteCatalog
  private readonly history: SqliteHistory

  private readonly clock: Clock

  constructor(options: SqlitePersisterOptions) {
    this.clock = options.clock ?? systemClock
    const historyOptions = checkHistoryOptions(options.history)
    this.heads = options.incremental && new IncrementalHeads(options.incremental)
    if ('database' in options) {
      this.database = options.database
      this.owned = false
    } else {
      this.database = new Database(options.path)
      this.owned = true
      this.database.pragma('journal_mode = WAL')
      this.database.pragma('synchronous = NORMAL')
      // Another connection (a second worker) may hold the write lock for a moment.
      this.database.pragma('busy_timeout = 5000')
    }
    const unindexed = this.database.prepare(SQLITE_LACKS_DEADLINE_INDEX).pluck(true).get() === 1
    this.database.exec(SQLITE_SCHEMA)
    addCatalogColumns(this.database)
    const prepare = (source: string) => this.database.prepare(source)
    this.statements = Object.fromEntries(
      Object.entries(SQLITE_STATEMENTS).map(([name, source]) => [name, prepare(source)]),
    ) as unknown as Statements
    const s = this.statements
    s.saveWhole.pluck(true)
    s.loadPatches.pluck(true)
    // A checkpoint and its index row commit together (a savepoint inside a group's transaction).
    const writeIndexed = this.database.transaction((save: Save) => {
      this.write(save)
      this.index(save)
    })
    this.saves = new GroupCommit<Save>({
      write: (save) => {
        if (!this.overwriteBody(save)) writeIndexed(save)
      },
      transaction: (body) => this.database.transaction(body)(),
      rolledBack: (save) => this.heads?.forget(save.bundle.pid, save.params.key),
    })
    // One read transaction, so the head and its patches come from the same commit.
    this.readRows = this.database.transaction(
      (pid: string, key: string): StoredRows | undefined => {
        const head = s.loadHead.get(pid, key) as HeadRow | undefined
        if (head === undefined) return undefined
        const patches = s.loadPatches.all(pid, key, head.base, head.version) as string[]
        return { ...head, patches }
      },
    )
    if (unindexed) this.indexExisting()
    fillCatalogColumns(this.database, (pid, tag) => this.loadNow(pid, tag))
    this.database.exec(SQLITE_CATALOG_SCHEMA)
    this.catalog = new SqliteCatalog(this.database, () => this.saves.flush())
    this.history = new SqliteHistory(this.database, historyOptions)
  }

  /**
   * Queue the save; it is committed (alone, or with the saves asked for in the same burst) before
   * the promise resolves. A bundle that cannot be encoded rejects at once.
   */
  saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    let save: Save
    try {
      save = { bundle, params: saveParameters(bundle, tag) }
    } catch (error) {
      return Promise.reject(error)
    }
    return this.saves.submit(save)
  }

  /**
   * A whole-body save as one narrow UPDATE, when the stored row already shows all it would index
   * (see `saveBody`): no catalog index but `recent` and no deadline row to write, no transaction
   * of its own. False when it does not, and in incremental mode (whose patches have their own
   * path): the save must then be written in full.
   */
  private overwriteBody({ params }: Save): boolean {
    if (this.heads !== undefined) return false
    params.now = this.clock()
    return this.statements.saveBody.run(params).changes === 1
  }

  /** The index row of an untagged save: its deadline, or none. */
  private index({ params }: Save): void {
    if (params.tag !== null) return
    if (params.deadline === null) this.statements.unindexDeadline.run(params.pid)
    else this.statements.indexDeadline.run(params)
  }

  /** Write one save: whole, or in incremental mode as a patch when the stored version allows. */
  private write({ bundle, params }: Save): void {
    const s = this.statements
    const heads = this.heads
    const { key, body } = params
    params.now = this.clock()
    if (heads === undefined) {
      s.saveWhole.run(params)
      return
    }
    try {
      const write = heads.plan(bundle.pid, key, body)
      if (write._tag === 'Patch' && this.patch(write.patch, write.after, params)) {
        heads.committed(bundle, key, write, write.after + 1, false)
        return
      }
      const version = s.saveWhole.get(params) as number
      heads.committed(bundle, key, write, version, true)
    } catch (error) {
      heads.forget(bundle.pid, key)
      throw error
    }
  }

  /** Writes a patch and the row's catalog columns together; false when the version moved on. */
  private patch(patch: string, after: number, params: SaveParameters): boolean {
    return this.database.transaction(() => {
      if (this.statements.savePatch.run(patch, params.pid, params.key, after).changes !== 1)
        return false
      this.statements.savePatchColumns.run(params)
      return true
    })()
  }

  async loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    this.saves.flush()
    return this.loadNow(pid, tag)
  }

  async findCheckpoint(pid: string, tag?: string): Promise<Bundle | undefined> {
    this.saves.flush()
    return this.findNow(pid, tag)
  }

  private loadNow(pid: string, tag: string | undefined): Bundle {
    const found = this.findNow(pid, tag)
    if (found === undefined) throw notFound(pid, tag)
    return found
  }

  private findNow(pid: string, tag: string | undefined): Bundle | undefined {
    const key = tagKey(tag)
    const head = this.statements.loadHead.get(pid, key) as HeadRow | undefined
    if (head === undefined) return undefined
    // Whole bodies (the common case) need no transaction: one SELECT reads one commit.
    const rows: StoredRows | undefined =
      head.version === head.base ? { ...head, patches: [] } : this.readRows(pid, key)
    if (rows === undefined) return undefined
    const decoded = reassemble(rows, pid, tag)
    if (E.isLeft(decoded)) throw decoded.left
    return decoded.right
  }

  async dueProcesses(now: number, limit: number): Promise<DueProcess[]> {
    this.saves.flush()
    return (this.statements.dueDeadlines.all(now, limit) as DueProcess[]).map(toDue)
  }

  async claimDue({ now, limit, claimant, holdMs }: DueClaim): Promise<DueProcess[]> {
    this.saves.flush()
    const rows = this.statements.claimDue.all({ now, limit, claimant, until: now + holdMs })
    return (rows as DueProcess[]).map(toDue).sort(byDeadline)
  }

  /**
   * A store made before the deadline index: index what its latest checkpoints wait on, once,
   * in one transaction. A checkpoint that cannot be decoded is left out (whatever loads it
   * reports it).
   */
  private indexExisting(): void {
    const rows = this.statements.listAll.all() as AddressRow[]
    this.database.transaction(() => {
      for (const { pid, tag } of rows) {
        if (tag !== null) continue
        const stored = this.readRows(pid, '')
        const decoded = stored === undefined ? undefined : reassemble(stored, pid, undefined)
        if (decoded === undefined || E.isLeft(decoded)) continue
        const deadline = deadlineToIndex(decoded.right)
        if (deadline !== undefined) this.statements.indexDeadline.run({ pid, deadline })
      }
    })()
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

  async getCheckpoints(): Promise<PersistedCheckpoint[]> {
    this.saves.flush()
    return toAddresses(this.statements.listAll.all() as AddressRow[])
  }

  async getProcessCheckpoints(pid: string): Promise<PersistedCheckpoint[]> {
    this.saves.flush()
    return toAddresses(this.statements.listProcess.all(pid) as AddressRow[])
  }

  async deleteCheckpoint(pid: string, tag?: string): Promise<void> {
    this.saves.flush()
    this.heads?.forget(pid, tagKey(tag))
    this.statements.deleteOne.run(pid, tagKey(tag))
    if (tag === undefined) this.statements.unindexDeadline.run(pid)
  }

  async deleteProcessCheckpoints(pid: string): Promise<void> {
    this.saves.flush()
    this.heads?.forgetProcess(pid)
    this.statements.deleteProcess.run(pid)
    this.statements.unindexDeadline.run(pid)
  }

  async close(): Promise<void> {
    if (!this.database.open) return
    this.saves.flush()
    if (this.owned) this.database.close()
  }
}

const toDue = (row: DueProcess): DueProcess => ({ pid: row.pid, deadline: Number(row.deadline) })

const toAddresses = (rows: readonly AddressRow[]): PersistedCheckpoint[] =>
  rows.map((row) => ({ pid: row.pid, tag: row.tag ?? undefined })).sort(byAddress)
