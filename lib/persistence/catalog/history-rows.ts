/** History entries as the SQL stores keep them (`process_history`), and back. */
import type { StateName } from '../../process/state.js'
import type { HistoryEventKind, StoredHistoryEntry } from './history.js'

/** A `process_history` row (numbers may come back as strings from PostgreSQL). */
export interface HistoryColumns {
  readonly seq: number | string
  readonly pid: string
  readonly at: number | string
  readonly kind: string
  readonly from_state: string | null
  readonly to_state: string
  readonly step: string | null
  readonly duration_ms: number | string | null
  readonly status: string | null
}

/** The entry of a row. */
export const entryFromColumns = (row: HistoryColumns): StoredHistoryEntry => ({
  seq: Number(row.seq),
  pid: row.pid,
  at: Number(row.at),
  kind: row.kind as HistoryEventKind,
  from: row.from_state as StateName | null,
  to: row.to_state as StateName,
  step: row.step ?? undefined,
  durationMs: row.duration_ms === null ? undefined : Number(row.duration_ms),
  status: row.status ?? undefined,
})
