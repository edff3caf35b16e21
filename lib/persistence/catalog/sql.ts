/**
 * The SQL of process queries, shared by the SQLite and PostgreSQL stores: both keep, beside each
 * checkpoint's body, columns for its definition, state, paused flag, status, parent and times,
 * with partial indices on the untagged rows (see their `schema.ts`). Filters become literal
 * conditions where an index depends on them (`tag_key = ''`, `parent IS NULL`, the paused flag),
 * so that the planner can use the partial indices; values become parameters.
 */
import {
  normaliseQuery,
  parseDefinitionFilter,
  type ProcessFilter,
  type ProcessQuery,
  type ProcessRow,
} from './query.js'
import { keptOfColumn } from './columns.js'

/** What differs between the two databases. */
export interface SqlDialect {
  /** The placeholder of the next parameter (`?`, or `$n`). */
  readonly placeholder: (index: number) => string
  /** A time column as milliseconds since the epoch, for a select list. */
  readonly millis: (column: string) => string
  /** A parameter holding milliseconds since the epoch, as a value of a time column. */
  readonly time: (placeholder: string) => string
  /** The condition "paused" or "not paused" on the `paused` column. */
  readonly paused: (paused: boolean) => string
  /** The condition "`column` contains the text of `placeholder`". */
  readonly contains: (column: string, placeholder: string) => string
  /**
   * What follows `FROM checkpoints` to name the index a query reads (SQLite's `INDEXED BY`), or
   * '' to leave it to the planner (PostgreSQL's keeps statistics of its own).
   */
  readonly index: (index: CatalogIndex) => string
  /**
   * The join that reads the page's few pids first and their rows after (SQLite's planner
   * otherwise walks every row in order and looks each up in the page).
   */
  readonly pageJoin: 'CROSS JOIN' | 'JOIN'
}

/**
 * The indices a query can be pointed at (see the stores' `schema.ts`): `listing` and `recent`
 * hold every column a filter reads, in the order of creation and of the last save; `states`
 * holds those of counts, by state; `parent` the children of one process.
 */
export type CatalogIndex = 'listing' | 'recent' | 'states' | 'parent'

/**
 * The index a query should read. Left to itself SQLite's planner, without statistics, walks an
 * index that sorts and looks each row up for the columns it lacks (seconds at 100,000 rows); an
 * index holding every filtered column answers from the index alone, and a pid or one parent's
 * children are few enough for any plan.
 */
const indexFor = (filter: ProcessFilter, purpose: 'created' | 'modified' | 'count') => {
  if (filter.pid !== undefined) return undefined
  if (filter.parent !== undefined) return 'parent'
  if (purpose === 'count') return filter.search === undefined ? 'states' : 'listing'
  return purpose === 'created' ? 'listing' : 'recent'
}

const from = (
  filter: ProcessFilter,
  purpose: 'created' | 'modified' | 'count',
  dialect: SqlDialect,
) => {
  const index = indexFor(filter, purpose)
  return index === undefined ? 'checkpoints' : `checkpoints ${dialect.index(index)}`.trimEnd()
}

/** A statement and its parameters. */
export interface SqlStatement {
  readonly text: string
  readonly params: readonly unknown[]
}

/** The columns of a listing from the rows of `c`, under the names `rowFromColumns` reads. */
const columns = (dialect: SqlDialect) =>
  `c.pid, c.definition, c.definition_version AS version, c.state, c.paused, c.status, ` +
  `c.parent, ${dialect.millis('c.created_at')} AS created, ${dialect.millis('c.saved_at')} AS modified, ` +
  `c.inbox`

/** The WHERE clause of a filter (over untagged checkpoints only). */
const where = (filter: ProcessFilter, dialect: SqlDialect, params: unknown[]): string => {
  const param = (value: unknown) => {
    params.push(value)
    return dialect.placeholder(params.length)
  }
  const conditions = [`tag_key = ''`]
  if (filter.pid !== undefined) conditions.push(`pid = ${param(filter.pid)}`)
  if (filter.states !== undefined)
    conditions.push(
      filter.states.length === 0
        ? 'FALSE'
        : `state IN (${filter.states.map((state) => param(state)).join(', ')})`,
    )
  if (filter.definition !== undefined) {
    const { name, version } = parseDefinitionFilter(filter.definition)
    conditions.push(`definition = ${param(name)}`)
    if (version !== undefined) conditions.push(`definition_version = ${param(version)}`)
  }
  if (filter.rootsOnly === true) conditions.push('parent IS NULL')
  if (filter.parent !== undefined) conditions.push(`parent = ${param(filter.parent)}`)
  if (filter.paused !== undefined) conditions.push(dialect.paused(filter.paused))
  if (filter.createdSince !== undefined)
    conditions.push(`created_at >= ${dialect.time(param(filter.createdSince))}`)
  if (filter.modifiedSince !== undefined)
    conditions.push(`saved_at >= ${dialect.time(param(filter.modifiedSince))}`)
  if (filter.search !== undefined) {
    // One parameter per use: SQLite's `?` placeholders are positional.
    const inPid = dialect.contains('pid', param(filter.search))
    const inStatus = dialect.contains("coalesce(status, '')", param(filter.search))
    conditions.push(`(${inPid} OR ${inStatus})`)
  }
  return conditions.join(' AND ')
}

/**
 * One page of a listing. The page's pids are found first, from an index alone, and only its rows
 * are read whole: an offset of 50,000 then steps over index entries, not over 50,000 rows.
 */
export const listStatement = (query: ProcessQuery, dialect: SqlDialect): SqlStatement => {
  const q = normaliseQuery(query)
  const params: unknown[] = []
  const condition = where(q, dialect, params)
  const column = q.sort === 'created' ? 'created_at' : 'saved_at'
  const order = q.order === 'asc' ? 'ASC' : 'DESC'
  params.push(q.limit, q.offset)
  const page =
    `SELECT pid FROM ${from(q, q.sort, dialect)} WHERE ${condition} ` +
    `ORDER BY ${column} ${order}, pid ${order} ` +
    `LIMIT ${dialect.placeholder(params.length - 1)} OFFSET ${dialect.placeholder(params.length)}`
  return {
    text:
      `SELECT ${columns(dialect)} FROM (${page}) page ` +
      `${dialect.pageJoin} checkpoints c ON c.pid = page.pid AND c.tag_key = '' ` +
      `ORDER BY c.${column} ${order}, c.pid ${order}`,
    params,
  }
}

/** How many processes match. */
export const countStatement = (filter: ProcessFilter, dialect: SqlDialect): SqlStatement => {
  const params: unknown[] = []
  return {
    text: `SELECT count(*) AS total FROM ${from(filter, 'count', dialect)} WHERE ${where(filter, dialect, params)}`,
    params,
  }
}

/** How many match in each state (the filter's own `states` left out). */
export const countByStateStatement = (filter: ProcessFilter, dialect: SqlDialect): SqlStatement => {
  const { states: _ignored, ...rest } = filter
  const params: unknown[] = []
  return {
    text:
      `SELECT state, count(*) AS total FROM ${from(rest, 'count', dialect)} ` +
      `WHERE ${where(rest, dialect, params)} GROUP BY state`,
    params,
  }
}

/** A row as the databases return it (numbers may come back as strings from PostgreSQL). */
export interface ColumnsRow {
  readonly pid: string
  readonly definition: string | null
  readonly version: number | string | null
  readonly state: string | null
  readonly paused: number | boolean | null
  readonly status: string | null
  readonly parent: string | null
  readonly created: number | string | null
  readonly modified: number | string | null
  readonly inbox: string | null
}

const STATES = new Set(['CREATED', 'RUNNING', 'WAITING', 'FINISHED', 'EXCEPTED', 'KILLED'])

/** The `ProcessRow` of a database row; a row whose columns were never filled reads as unreadable. */
export const rowFromColumns = (row: ColumnsRow): ProcessRow => {
  const number = (value: number | string | null) => (value === null ? undefined : Number(value))
  const known = row.state !== null && STATES.has(row.state) && row.definition !== null
  const kept = keptOfColumn(row.inbox)
  const listed: ProcessRow = {
    pid: row.pid,
    definition: row.definition ?? '?',
    version: number(row.version),
    state: known ? (row.state as ProcessRow['state']) : '?',
    paused: row.paused === true || row.paused === 1,
    status: row.status ?? undefined,
    parent: row.parent ?? undefined,
    created: number(row.created),
    modified: number(row.modified),
    ...(known
      ? {}
      : { unreadable: 'its checkpoint could not be read when the store was upgraded' }),
  }
  if ('unreadable' in kept) return { ...listed, unreadable: listed.unreadable ?? kept.unreadable }
  return kept.inbox.length === 0 ? listed : { ...listed, inbox: kept.inbox }
}
