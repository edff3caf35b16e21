/**
 * Process queries on a SQLite store: the statements of `catalog/sql.ts` in SQLite's dialect
 * (times are integers of milliseconds, `paused` 0 or 1), prepared once per distinct text.
 */
import type Database from 'better-sqlite3'
import {
  countByStateStatement,
  countStatement,
  listStatement,
  rowFromColumns,
  type ColumnsRow,
  type SqlDialect,
  type SqlStatement,
} from '../catalog/sql.js'
import {
  checkFilter,
  noCounts,
  type ProcessCatalog,
  type ProcessFilter,
  type ProcessPage,
  type ProcessQuery,
  type StateCounts,
} from '../catalog/query.js'
import type { StateName } from '../../process/state.js'
import { SQLITE_CATALOG_INDICES } from './schema.js'

/** SQLite's side of the shared SQL. */
export const SQLITE_DIALECT: SqlDialect = {
  placeholder: () => '?',
  millis: (column) => column,
  time: (placeholder) => placeholder,
  paused: (paused) => (paused ? 'paused = 1' : 'paused = 0'),
  contains: (column, placeholder) => `instr(${column}, ${placeholder}) > 0`,
  index: (index) => `INDEXED BY ${SQLITE_CATALOG_INDICES[index]}`,
  pageJoin: 'CROSS JOIN',
}

/** Listings over one connection; `before` runs first (the persister commits queued saves). */
export class SqliteCatalog implements ProcessCatalog {
  private readonly prepared = new Map<string, Database.Statement>()

  constructor(
    private readonly database: Database.Database,
    private readonly before: () => void,
  ) {}

  async listProcesses(query: ProcessQuery): Promise<ProcessPage> {
    const list = listStatement(query, SQLITE_DIALECT)
    this.before()
    // One read transaction: the page and the total come from the same commit.
    return this.database.transaction(() => {
      const rows = this.all(list) as ColumnsRow[]
      const [count] = this.all(countStatement(query, SQLITE_DIALECT)) as { total: number }[]
      return { rows: rows.map(rowFromColumns), total: count?.total ?? 0 }
    })()
  }

  async countByState(filter: ProcessFilter): Promise<StateCounts> {
    checkFilter(filter)
    this.before()
    const counts = noCounts()
    for (const row of this.all(countByStateStatement(filter, SQLITE_DIALECT)) as {
      state: string
      total: number
    }[])
      if (row.state in counts) counts[row.state as StateName] = row.total
    return counts
  }

  private all(statement: SqlStatement): unknown[] {
    let prepared = this.prepared.get(statement.text)
    if (prepared === undefined) {
      prepared = this.database.prepare(statement.text)
      this.prepared.set(statement.text, prepared)
    }
    return prepared.all(...statement.params)
  }
}
