/**
 * Process history in a SQLite store (`process_history`, see `schema.ts`): appends in one
 * transaction per batch, the per-process retention applied to the processes appended to in the
 * same transaction, the age retention now and then (it reads the index on `at`).
 */
import type Database from 'better-sqlite3'
import {
  AgeSweep,
  type HistoryEntry,
  type HistoryOptions,
  type HistoryRead,
  type ProcessHistory,
  type StoredHistoryEntry,
} from '../catalog/history.js'
import { entryFromColumns, type HistoryColumns } from '../catalog/history-rows.js'

const STATEMENTS = {
  append: `
    INSERT INTO process_history (pid, at, kind, from_state, to_state, step, duration_ms, status)
    VALUES (@pid, @at, @kind, @from, @to, @step, @durationMs, @status)`,
  read: `
    SELECT seq, pid, at, kind, from_state, to_state, step, duration_ms, status
    FROM process_history WHERE pid = ? AND seq > ? ORDER BY seq LIMIT ?`,
  readNewest: `
    SELECT * FROM (
      SELECT seq, pid, at, kind, from_state, to_state, step, duration_ms, status
      FROM process_history WHERE pid = ? AND seq > ? ORDER BY seq DESC LIMIT ?)
    ORDER BY seq`,
  keepNewest: `
    DELETE FROM process_history WHERE pid = @pid AND seq <= (
      SELECT seq FROM process_history WHERE pid = @pid ORDER BY seq DESC LIMIT 1 OFFSET @keep)`,
  keepNewestAll: `
    DELETE FROM process_history WHERE seq IN (
      SELECT seq FROM (
        SELECT seq, row_number() OVER (PARTITION BY pid ORDER BY seq DESC) AS newer
        FROM process_history)
      WHERE newer > ?)`,
  dropOlder: `DELETE FROM process_history WHERE at < ?`,
} as const

/** The history of one SQLite connection. */
export class SqliteHistory implements ProcessHistory {
  private readonly statements: { readonly [K in keyof typeof STATEMENTS]: Database.Statement }
  private readonly ageSweep: AgeSweep

  constructor(
    private readonly database: Database.Database,
    private readonly options: HistoryOptions,
  ) {
    this.statements = Object.fromEntries(
      Object.entries(STATEMENTS).map(([name, text]) => [name, database.prepare(text)]),
    ) as unknown as SqliteHistory['statements']
    this.ageSweep = new AgeSweep(options)
  }

  async appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return
    const s = this.statements
    const keep = this.options.retention?.maxPerProcess
    this.database.transaction(() => {
      for (const entry of entries)
        s.append.run({
          ...entry,
          step: entry.step ?? null,
          durationMs: entry.durationMs === undefined ? null : Math.round(entry.durationMs),
          status: entry.status ?? null,
        })
      if (keep !== undefined)
        for (const pid of new Set(entries.map((entry) => entry.pid)))
          s.keepNewest.run({ pid, keep })
    })()
    this.sweepAgeNowAndThen()
  }

  async readHistory(pid: string, read: HistoryRead = {}): Promise<StoredHistoryEntry[]> {
    const statement = read.newest === true ? this.statements.readNewest : this.statements.read
    const rows = statement.all(pid, read.afterSeq ?? 0, read.limit ?? -1)
    return (rows as HistoryColumns[]).map(entryFromColumns)
  }

  async applyHistoryRetention(): Promise<number> {
    const maxPerProcess = this.options.retention?.maxPerProcess
    let dropped = 0
    if (maxPerProcess !== undefined)
      dropped += this.statements.keepNewestAll.run(maxPerProcess).changes
    const oldest = this.ageSweep.cutoff()
    if (oldest !== undefined) dropped += this.statements.dropOlder.run(oldest).changes
    return dropped
  }

  private sweepAgeNowAndThen(): void {
    const oldest = this.ageSweep.due()
    if (oldest !== undefined) this.statements.dropOlder.run(oldest)
  }
}
