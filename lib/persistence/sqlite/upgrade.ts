/**
 * Bringing a SQLite store made before the catalog columns up to date: the columns are added, and
 * each row's are filled from its checkpoint (read whole, patches included), once. A checkpoint
 * that cannot be read gets state '?', which listings show as unreadable. Its creation time is
 * unknown: its last save stands for it.
 */
import type Database from 'better-sqlite3'
import type { Bundle } from '../../checkpoint/bundle.js'
import { catalogColumnsOf } from '../catalog/columns.js'
import { tagOfKey } from '../stored.js'
import { CATALOG_COLUMNS } from './schema.js'

/**
 * Adds the catalog columns that `database` lacks (before any statement naming them is prepared).
 * A store that has the others but not `inbox` gets its processes that have not ended filled
 * again (their `definition` cleared for `fillCatalogColumns`), so that what their inboxes keep
 * is listed; an ended process keeps nothing anyone will take.
 */
export const addCatalogColumns = (database: Database.Database): void => {
  const present = new Set(
    (database.prepare('PRAGMA table_info(checkpoints)').all() as { name: string }[]).map(
      (column) => column.name,
    ),
  )
  const missing = CATALOG_COLUMNS.filter((column) => !present.has(column))
  if (missing.length === 0) return
  const types: Record<(typeof CATALOG_COLUMNS)[number], string> = {
    created_at: 'INTEGER',
    definition: 'TEXT',
    definition_version: 'INTEGER',
    state: 'TEXT',
    paused: 'INTEGER',
    status: 'TEXT',
    parent: 'TEXT',
    inbox: 'TEXT',
  }
  database.transaction(() => {
    for (const column of missing)
      database.exec(`ALTER TABLE checkpoints ADD COLUMN ${column} ${types[column]}`)
    if (missing.length === 1 && missing[0] === 'inbox')
      database.exec(
        `UPDATE checkpoints SET definition = NULL
         WHERE state NOT IN ('FINISHED', 'EXCEPTED', 'KILLED')`,
      )
  })()
}

/**
 * Fills the catalog columns of the rows that have none (made before the columns existed, or by
 * an older version of this library since), reading each checkpoint with `load`.
 */
export const fillCatalogColumns = (
  database: Database.Database,
  load: (pid: string, tag: string | undefined) => Bundle,
): void => {
  const rows = database
    .prepare('SELECT pid, tag_key AS key FROM checkpoints WHERE definition IS NULL')
    .all() as { pid: string; key: string }[]
  const fill = database.prepare(`
    UPDATE checkpoints SET created_at = coalesce(created_at, saved_at), definition = @definition,
      definition_version = @version, state = @state, paused = @paused, status = @status,
      parent = @parent, inbox = @inbox
    WHERE pid = @pid AND tag_key = @key`)
  database.transaction(() => {
    for (const { pid, key } of rows) {
      let columns
      try {
        columns = catalogColumnsOf(load(pid, tagOfKey(key)))
      } catch (_) {
        columns = { ...UNREADABLE }
      }
      fill.run({ pid, key, ...columns, paused: columns.paused ? 1 : 0 })
    }
  })()
}

const UNREADABLE = {
  definition: '?',
  version: null,
  state: '?',
  paused: false,
  status: null,
  parent: null,
  inbox: null,
}
