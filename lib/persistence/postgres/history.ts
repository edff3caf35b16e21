/**
 * Process history in a PostgreSQL store (`process_history`, see `schema.ts`): a batch is one
 * INSERT of arrays; the per-process retention runs for the processes appended to, right after;
 * the age retention now and then (it reads the index on `at`).
 */
import {
  AgeSweep,
  type HistoryEntry,
  type HistoryOptions,
  type HistoryRead,
  type ProcessHistory,
  type StoredHistoryEntry,
} from '../catalog/history.js'
import { entryFromColumns, type HistoryColumns } from '../catalog/history-rows.js'
import type { RunStatement } from './catalog.js'

const APPEND = `
  INSERT INTO process_history (pid, at, kind, from_state, to_state, step, duration_ms, status)
  SELECT pid, to_timestamp(at / 1000.0), kind, from_state, to_state, step, duration_ms, status
  FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[],
    $7::bigint[], $8::text[])
    AS e(pid, at, kind, from_state, to_state, step, duration_ms, status)`

const READ = `
  SELECT seq, pid, round(extract(epoch from at) * 1000)::float8 AS at, kind, from_state,
    to_state, step, duration_ms, status
  FROM process_history WHERE pid = $1::text AND seq > $2::bigint ORDER BY seq LIMIT $3::bigint`

/** The newest `$3` entries after `$2`, oldest first. */
const READ_NEWEST = `
  SELECT * FROM (
    SELECT seq, pid, round(extract(epoch from at) * 1000)::float8 AS at, kind, from_state,
      to_state, step, duration_ms, status
    FROM process_history WHERE pid = $1::text AND seq > $2::bigint
    ORDER BY seq DESC LIMIT $3::bigint) newest
  ORDER BY seq`

/** Keep the newest `$2` entries of each process of `$1` (all processes when `$1` is null). */
const KEEP_NEWEST = `
  DELETE FROM process_history h
  WHERE ($1::text[] IS NULL OR h.pid = ANY($1::text[])) AND h.seq <= (
    SELECT n.seq FROM process_history n WHERE n.pid = h.pid
    ORDER BY n.seq DESC OFFSET $2::integer LIMIT 1)`

const DROP_OLDER = `DELETE FROM process_history WHERE at < to_timestamp($1::float8 / 1000.0)`

/** The history of a PostgreSQL store, through `run`. */
export class PostgresHistory implements ProcessHistory {
  private readonly ageSweep: AgeSweep

  constructor(
    private readonly run: RunStatement,
    private readonly options: HistoryOptions,
  ) {
    this.ageSweep = new AgeSweep(options)
  }

  async appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return
    const column = <T>(pick: (entry: HistoryEntry) => T) => entries.map(pick)
    await this.run({
      text: APPEND,
      params: [
        column((e) => e.pid),
        column((e) => e.at),
        column((e) => e.kind),
        column((e) => e.from),
        column((e) => e.to),
        column((e) => e.step ?? null),
        column((e) => (e.durationMs === undefined ? null : Math.round(e.durationMs))),
        column((e) => e.status ?? null),
      ],
    })
    const keep = this.options.retention?.maxPerProcess
    if (keep !== undefined)
      await this.run({ text: KEEP_NEWEST, params: [[...new Set(column((e) => e.pid))], keep] })
    await this.sweepAgeNowAndThen()
  }

  async readHistory(pid: string, read: HistoryRead = {}): Promise<StoredHistoryEntry[]> {
    const { rows } = await this.run({
      text: read.newest === true ? READ_NEWEST : READ,
      params: [pid, read.afterSeq ?? 0, read.limit ?? null],
    })
    return (rows as HistoryColumns[]).map(entryFromColumns)
  }

  async applyHistoryRetention(): Promise<number> {
    const maxPerProcess = this.options.retention?.maxPerProcess
    let dropped = 0
    if (maxPerProcess !== undefined)
      dropped +=
        (await this.run({ text: KEEP_NEWEST, params: [null, maxPerProcess] })).rowCount ?? 0
    const oldest = this.ageSweep.cutoff()
    if (oldest !== undefined)
      dropped += (await this.run({ text: DROP_OLDER, params: [oldest] })).rowCount ?? 0
    return dropped
  }

  private async sweepAgeNowAndThen(): Promise<void> {
    const oldest = this.ageSweep.due()
    if (oldest !== undefined) await this.run({ text: DROP_OLDER, params: [oldest] })
  }
}
