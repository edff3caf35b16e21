/**
 * Process queries on a PostgreSQL store: the statements of `catalog/sql.ts` in PostgreSQL's
 * dialect (times are `timestamptz`, read back as milliseconds; `paused` a boolean).
 */
import type pg from 'pg'
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

/** PostgreSQL's side of the shared SQL. */
export const POSTGRES_DIALECT: SqlDialect = {
  placeholder: (index) => `$${index}`,
  millis: (column) => `round(extract(epoch from ${column}) * 1000)::float8`,
  time: (placeholder) => `to_timestamp(${placeholder}::float8 / 1000.0)`,
  paused: (paused) => (paused ? 'paused' : 'paused IS NOT TRUE'),
  contains: (column, placeholder) => `strpos(${column}, ${placeholder}::text) > 0`,
  index: () => '',
  pageJoin: 'JOIN',
}

/** Runs one statement (after the schema exists). */
export type RunStatement = (statement: SqlStatement) => Promise<pg.QueryResult>

/** Listings through `run`. */
export const postgresCatalog = (run: RunStatement): ProcessCatalog => ({
  async listProcesses(query: ProcessQuery): Promise<ProcessPage> {
    // Two statements, possibly on two connections: under concurrent writes the total may be
    // off from the page by the processes saved in between, which a listing can live with.
    const [page, count] = await Promise.all([
      run(listStatement(query, POSTGRES_DIALECT)),
      run(countStatement(query, POSTGRES_DIALECT)),
    ])
    const total = Number((count.rows[0] as { total: string } | undefined)?.total ?? 0)
    return { rows: (page.rows as ColumnsRow[]).map(rowFromColumns), total }
  },
  async countByState(filter: ProcessFilter): Promise<StateCounts> {
    checkFilter(filter)
    const counts = noCounts()
    const { rows } = await run(countByStateStatement(filter, POSTGRES_DIALECT))
    for (const row of rows as { state: string; total: string }[])
      if (row.state in counts) counts[row.state as StateName] = Number(row.total)
    return counts
  },
})
