/**
 * What a PostgreSQL store last wrote whole to each checkpoint row: the version it stored and the
 * columns it indexed (the catalog columns and the deadline). A save whose indexed columns are
 * the ones remembered changes nothing indexed, so it can be written as an `UPDATE` of the body
 * alone (`saveBody` in `schema.ts`): a single plan node and five parameters instead of the full
 * upsert's five CTEs and twelve (measured per commit on one connection: 80 µs of the server's
 * CPU against 130, and 48 µs of the client's against 60; see bench/findings/b3d.md). That update names the version remembered, so it changes no row unless the row
 * is still as this store left it: any other write of the row moves its version, and the full
 * upsert then writes the save. Deleting the row through this store forgets it (a row created
 * again starts again from version 1).
 */
import type { CatalogColumns } from '../catalog/columns.js'
import { RowMemory } from '../row-memory.js'

/** What a save indexes: its catalog columns (the inbox aside) and its deadline. */
export interface IndexedColumns {
  readonly columns: CatalogColumns
  /** The deadline it indexes (`deadlineToIndex`), or null. */
  readonly deadline: number | null
}

interface Written extends IndexedColumns {
  readonly version: number
}

/** At most this many rows are remembered; the least lately written is forgotten first. */
const REMEMBERED_ROWS = 10_000

/** The rows a store wrote last, and what it wrote (see the module comment). */
export class WrittenRows {
  private readonly rows = new RowMemory<Written>(REMEMBERED_ROWS)

  /** The version of (pid, tagKey) as this store last wrote it, if it wrote `indexed` then. */
  versionIf(pid: string, tagKey: string, indexed: IndexedColumns): number | undefined {
    const written = this.rows.get(pid, tagKey)
    return written !== undefined && sameIndexed(written, indexed) ? written.version : undefined
  }

  /** This store wrote `indexed` to (pid, tagKey), which is now at `version`. */
  wrote(pid: string, tagKey: string, indexed: IndexedColumns, version: number): void {
    this.rows.set(pid, tagKey, { columns: indexed.columns, deadline: indexed.deadline, version })
  }

  /** Forget (pid, tagKey): deleted, written in another way, or its save failed. */
  forget(pid: string, tagKey: string): void {
    this.rows.forget(pid, tagKey)
  }

  /** Forget every row of a process (deleted). */
  forgetProcess(pid: string): void {
    this.rows.forgetProcess(pid)
  }
}

/** Whether `a` and `b` index the same: every column the full upsert writes but `saveBody` not. */
const sameIndexed = (a: IndexedColumns, b: IndexedColumns): boolean =>
  a.deadline === b.deadline &&
  a.columns.state === b.columns.state &&
  a.columns.paused === b.columns.paused &&
  a.columns.status === b.columns.status &&
  a.columns.parent === b.columns.parent &&
  a.columns.definition === b.columns.definition &&
  a.columns.version === b.columns.version
