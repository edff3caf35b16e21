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
  /** The listing row of one process (with its times), or undefined when there is none. */
  rowOf(pid: string): Promise<ProcessRow | undefined>
  /** The checkpoint of `pid`, or undefined when the store has none. */
  loadProcess(pid: string): Promise<Bundle | undefined>
  /**
   * The newest `limit` entries of the history of `pid`, oldest first; undefined when the store
   * keeps none.
   */
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
    async rowOf(pid) {
      const { rows } = await catalog.listProcesses({ pid, limit: 1 })
      return rows[0]
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
      return persister.readHistory(pid, { limit, newest: true })
    },
  }
}
