/**
 * Process queries answered by reading every checkpoint: for the stores without indexed columns
 * (files, memory, a persister of one's own). Linear in the number of stored processes: fine for
 * a laptop's store, not for 100,000 processes (use SQLite or PostgreSQL there).
 */
import type { Bundle } from '../../checkpoint/bundle.js'
import { CheckpointError } from '../../checkpoint/errors.js'
import type { Persister } from '../persister.js'
import { keptOf } from '../../waits/inbox.js'
import {
  checkFilter,
  noCounts,
  normaliseQuery,
  parseDefinitionFilter,
  type ProcessCatalog,
  type ProcessFilter,
  type ProcessPage,
  type ProcessQuery,
  type ProcessRow,
  type StateCounts,
} from './query.js'

/** When a store saved a process first and last, when it knows. */
export interface SavedTimes {
  readonly created: number | undefined
  readonly modified: number | undefined
}

const UNKNOWN_TIMES: SavedTimes = { created: undefined, modified: undefined }

/** The row of a checkpoint. */
export const rowOf = (data: Bundle, times: SavedTimes = UNKNOWN_TIMES): ProcessRow => {
  const row: ProcessRow = {
    pid: data.pid,
    definition: data.definition.name,
    version: data.definition.version,
    state: data.snapshot.state._tag,
    paused: data.snapshot.paused,
    status: data.snapshot.status,
    parent: data.parentPid,
    created: times.created,
    modified: times.modified,
  }
  const inbox = keptOf(data.snapshot)
  return inbox.length === 0 ? row : { ...row, inbox }
}

/** Whether `row` passes `filter`. */
export const rowMatches = (row: ProcessRow, filter: ProcessFilter): boolean => {
  if (filter.pid !== undefined && row.pid !== filter.pid) return false
  if (filter.states !== undefined && !filter.states.some((state) => state === row.state))
    return false
  if (filter.definition !== undefined) {
    const { name, version } = parseDefinitionFilter(filter.definition)
    if (row.definition !== name || (version !== undefined && row.version !== version)) return false
  }
  if (filter.rootsOnly === true && row.parent !== undefined) return false
  if (filter.parent !== undefined && row.parent !== filter.parent) return false
  if (filter.paused !== undefined && row.paused !== filter.paused) return false
  if (filter.createdSince !== undefined && !((row.created ?? -Infinity) >= filter.createdSince))
    return false
  if (filter.modifiedSince !== undefined && !((row.modified ?? -Infinity) >= filter.modifiedSince))
    return false
  if (
    filter.search !== undefined &&
    !row.pid.includes(filter.search) &&
    !(row.status ?? '').includes(filter.search)
  )
    return false
  return true
}

/**
 * A catalog over any persister: every untagged checkpoint is loaded for every query. A
 * checkpoint that cannot be read is listed as such (state '?', with the reason), never dropped.
 */
export const scanningCatalog = (
  persister: Persister,
  times: (pid: string) => SavedTimes = () => UNKNOWN_TIMES,
): ProcessCatalog => {
  const rows = async (): Promise<ProcessRow[]> => {
    const addresses = (await persister.getCheckpoints()).filter(({ tag }) => tag === undefined)
    const all: ProcessRow[] = []
    for (const { pid } of addresses) {
      try {
        all.push(rowOf(await persister.loadCheckpoint(pid), times(pid)))
      } catch (error) {
        all.push(unreadableRow(pid, error, times(pid)))
      }
    }
    return all
  }
  return {
    async listProcesses(query: ProcessQuery): Promise<ProcessPage> {
      const q = normaliseQuery(query)
      const matching = (await rows()).filter((row) => rowMatches(row, q))
      const key = (row: ProcessRow) => (q.sort === 'created' ? row.created : row.modified) ?? 0
      const sign = q.order === 'asc' ? 1 : -1
      matching.sort(
        (a, b) => sign * (key(a) - key(b) || (a.pid < b.pid ? -1 : a.pid > b.pid ? 1 : 0)),
      )
      return { rows: matching.slice(q.offset, q.offset + q.limit), total: matching.length }
    },
    async countByState(filter: ProcessFilter): Promise<StateCounts> {
      checkFilter(filter)
      const counts = noCounts()
      const { states: _ignored, ...rest } = filter
      for (const row of await rows())
        if (row.state !== '?' && rowMatches(row, rest)) counts[row.state] += 1
      return counts
    },
  }
}

/** The row of a checkpoint that cannot be read. */
export const unreadableRow = (pid: string, error: unknown, times: SavedTimes): ProcessRow => ({
  pid,
  definition: '?',
  version: undefined,
  state: '?',
  paused: false,
  status: undefined,
  parent: undefined,
  created: times.created,
  modified: times.modified,
  unreadable: error instanceof CheckpointError ? error.reason : String(error),
})
