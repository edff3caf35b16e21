/**
 * Process history: an append-only record of what each process did (every state change, every
 * pause and play), with the time from the runner's clock, the step that ran, and the time spent
 * in the state it left. A store capability: the SQLite and PostgreSQL stores keep it in an
 * indexed table, the in-memory store in memory; the file store keeps none.
 */
import type { StateName } from '../../process/state.js'
import { systemClock, type Clock } from '../../runtime/environment.js'
import type { Persister } from '../persister.js'

/** What an entry records: a state change, or a pause or play (no change of state). */
export type HistoryEventKind = 'transition' | 'paused' | 'played'

/** One thing a process did. */
export interface HistoryEntry {
  readonly pid: string
  /** When, in milliseconds since the epoch, by the clock of the runner that ran the process. */
  readonly at: number
  readonly kind: HistoryEventKind
  /** The state left (`null` for the first, into CREATED); a pause or play: the state it is in. */
  readonly from: StateName | null
  readonly to: StateName
  /** The step whose run made this transition (a RUNNING process's step), if one did. */
  readonly step: string | undefined
  /**
   * Milliseconds spent in the state left, when the recorder saw it entered (a process brought
   * back from a checkpoint on another runner has none for its first transition there).
   */
  readonly durationMs: number | undefined
  /** The process's status after the entry. */
  readonly status: string | undefined
}

/** An entry as stored: with its place in the order of appends (increasing, not contiguous). */
export interface StoredHistoryEntry extends HistoryEntry {
  readonly seq: number
}

/** How much history a store keeps: entries older than `maxAgeMs`, and past the newest `maxPerProcess` of a process, go. */
export interface HistoryRetention {
  /** Drop entries older than this (by their `at`). Unset: keep them whatever their age. */
  readonly maxAgeMs?: number
  /** Keep only the newest this many entries of each process. Unset: keep them all. */
  readonly maxPerProcess?: number
}

/** Which entries of a process to read. */
export interface HistoryRead {
  /** Only entries appended after the one with this `seq` (to follow a history as it grows). */
  readonly afterSeq?: number
  /** At most this many (the oldest first). */
  readonly limit?: number
  /** With `limit`: the newest `limit` entries instead of the oldest (still returned oldest first). */
  readonly newest?: boolean
}

/** A store that keeps process history. */
export interface ProcessHistory {
  /**
   * Append entries (in order). The store applies its retention as it goes: the per-process
   * count at once for the processes appended to, the age now and then.
   */
  appendHistory(entries: readonly HistoryEntry[]): Promise<void>
  /** The entries of `pid`, oldest first. */
  readHistory(pid: string, read?: HistoryRead): Promise<StoredHistoryEntry[]>
  /** Apply the retention to every process now; resolves to the number of entries dropped. */
  applyHistoryRetention(): Promise<number>
}

/** Whether `store` keeps process history. */
export const hasHistory = <P extends Persister>(store: P): store is P & ProcessHistory =>
  typeof (store as Partial<ProcessHistory>).appendHistory === 'function' &&
  typeof (store as Partial<ProcessHistory>).readHistory === 'function'

/**
 * Why `retention` is not one a store can apply (dotted path and reason), or undefined. Checked
 * when a store is built, so that a bad setting fails at start, not at the first append.
 */
export const retentionProblem = (retention: HistoryRetention): string | undefined => {
  const { maxAgeMs, maxPerProcess } = retention
  if (maxAgeMs !== undefined && !(Number.isFinite(maxAgeMs) && maxAgeMs > 0))
    return `history.retention.maxAgeMs: ${maxAgeMs} is not a positive number of milliseconds`
  if (maxPerProcess !== undefined && !(Number.isInteger(maxPerProcess) && maxPerProcess > 0))
    return `history.retention.maxPerProcess: ${maxPerProcess} is not a positive integer`
  return undefined
}

/** Options of the stores that keep history. */
export interface HistoryOptions {
  /** How much to keep (default: everything). */
  readonly retention?: HistoryRetention
  /**
   * How often, at most, appends also drop entries older than `retention.maxAgeMs` (default one
   * minute): the age sweep reads an index, but need not run with every batch.
   */
  readonly ageSweepEveryMs?: number
  /**
   * What "now" is for the age retention (default the system clock). Entries carry the times of
   * the runners that recorded them; give the store the same clock as those runners.
   */
  readonly clock?: Clock
}

/** Checks `options` (see `retentionProblem`), throwing a `RangeError` that names the setting. */
export const checkHistoryOptions = (options: HistoryOptions | undefined): HistoryOptions => {
  const problem = options?.retention === undefined ? undefined : retentionProblem(options.retention)
  if (problem !== undefined) throw new RangeError(problem)
  return options ?? {}
}

/**
 * When the age retention last ran: appends run it again only every `ageSweepEveryMs`. The first
 * is due that long after the store opens (a sweep at every start would slow fleets down).
 */
export class AgeSweep {
  private last: number

  constructor(private readonly options: HistoryOptions) {
    this.last = this.now()
  }

  /** The time by the store's clock. */
  now(): number {
    return (this.options.clock ?? systemClock)()
  }

  /** The oldest time to keep if a sweep is due (it is then counted as done), else undefined. */
  due(): number | undefined {
    const maxAgeMs = this.options.retention?.maxAgeMs
    if (maxAgeMs === undefined) return undefined
    const now = this.now()
    if (now - this.last < (this.options.ageSweepEveryMs ?? 60_000)) return undefined
    this.last = now
    return now - maxAgeMs
  }

  /** The oldest time to keep now (a sweep is counted as done), or undefined with no age limit. */
  cutoff(): number | undefined {
    const maxAgeMs = this.options.retention?.maxAgeMs
    this.last = this.now()
    return maxAgeMs === undefined ? undefined : this.last - maxAgeMs
  }
}
