/**
 * What a store knows of its processes besides their checkpoints: listings by query
 * (`ProcessCatalog`) and the history of their transitions (`ProcessHistory`). Both are optional
 * capabilities of a persister; `catalogOf` answers listings for any store.
 */
import type { Persister } from '../persister.js'
import { hasCatalog, type ProcessCatalog } from './query.js'
import { scanningCatalog } from './scan.js'

export type {
  HistoryEntry,
  HistoryEventKind,
  HistoryOptions,
  HistoryRead,
  HistoryRetention,
  ProcessHistory,
  StoredHistoryEntry,
} from './history.js'
export { hasHistory, retentionProblem } from './history.js'
export type {
  ProcessCatalog,
  ProcessFilter,
  ProcessPage,
  ProcessQuery,
  ProcessRow,
  ProcessSort,
  StateCounts,
} from './query.js'
export { DEFAULT_LIMIT, hasCatalog } from './query.js'
export { rowMatches, rowOf, scanningCatalog } from './scan.js'

/**
 * The listings of `store`: its own indexed queries when it has them (SQLite, PostgreSQL, memory),
 * otherwise answered by reading every checkpoint (files, a persister of one's own).
 *
 * @example
 * const page = await catalogOf(persister).listProcesses({ states: ['WAITING'], limit: 50 })
 */
export const catalogOf = (store: Persister): ProcessCatalog =>
  hasCatalog(store) ? store : scanningCatalog(store)
