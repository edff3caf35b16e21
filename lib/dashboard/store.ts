/**
 * What the dashboard needs from a store, and that interface over a persister: listings and
 * counts from the store's catalog (indexed queries on SQLite and PostgreSQL, a scan elsewhere),
 * one checkpoint by pid, and the history of a process when the store keeps one.
 */
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import {
  catalogOf,
  hasHistory,
  type ProcessFilter,
  type ProcessPage,
  type ProcessQuery,
  type ProcessRow,
  type StateCounts,
  type StoredHistoryEntry,
} from '../persistence/catalog/index.js'
import type { Persister } from '../persistence/persister.js'

/** The store, as the dashboard reads it. */
export interface DashboardStore {
  /** A page of the processes that match, and how many match in all. */
  listProcesses(query: ProcessQuery): Promise<ProcessPage>
  /** How many match the filter in each state (its `states` ignored). */
  countByState(filter: ProcessFilter): Promise<StateCounts>
  /**
   * The listing row of one process (with its times), or undefined when there is none; `parent`
   * (its parent's pid, when it has one) narrows the search to its siblings.
   */
  rowOf(pid: string, parent: string | undefined): Promise<ProcessRow | undefined>
  /** The checkpoint of `pid`, or undefined when the store has none. */
  loadProcess(pid: string): Promise<Bundle | undefined>
  /** The history of `pid`, oldest first (at most `limit`); undefined when the store keeps none. */
  historyOf(pid: string, limit: number): Promise<readonly StoredHistoryEntry[] | undefined>
}

/**
 * The dashboard's view of `persister`. The persister stays the caller's to close.
 *
 * @example
 * const store = dashboardStoreOf(await openPersister('sqlite:plumpy.db'))
 * const { rows, total } = await store.listProcesses({ states: ['WAITING'], limit: 50 })
 */
export const dashboardStoreOf = (persister: Persister): DashboardStore => {
  const catalog = catalogOf(persister)
  return {
    listProcesses: (query) => catalog.listProcesses(query),
    countByState: (filter) => catalog.countByState(filter),
    async rowOf(pid, parent) {
      // The catalog has no lookup by pid: its search matches pids and statuses that contain
      // the text, so a pid finds itself (and, rarely, a few statuses that quote it). It reads
      // every row it filters: a child's parent (an indexed column) keeps that to its siblings.
      const where = parent === undefined ? { rootsOnly: true } : { parent }
      const { rows } = await catalog.listProcesses({ ...where, search: pid, limit: 50 })
      return rows.find((row) => row.pid === pid)
    },
    async loadProcess(pid) {
      try {
        return await persister.loadCheckpoint(pid)
      } catch (error) {
        if (error instanceof CheckpointError && error.problem === 'not-found') return undefined
        throw error
      }
    },
    async historyOf(pid, limit) {
      if (!hasHistory(persister)) return undefined
      return persister.readHistory(pid, { limit })
    },
  }
}
