/**
 * Listing processes without loading them: filters, sorting and paging that a store answers from
 * indexed columns (the SQLite and PostgreSQL stores), so that a command line or a dashboard
 * pages through 100,000 stored processes in milliseconds. Stores without such columns (files,
 * memory) answer the same queries by reading every checkpoint (see `scan.ts`).
 */
import { STATE_NAMES, type StateName } from '../../process/state.js'
import type { KeptItem } from '../../waits/inbox.js'
import type { Persister } from '../persister.js'

/** Which processes. Every field narrows; none: all of them. Only untagged checkpoints count. */
export interface ProcessFilter {
  /** Exactly this pid. */
  readonly pid?: string
  /** In one of these states. */
  readonly states?: readonly StateName[]
  /** Of this definition: a name (any version) or `name@version`. */
  readonly definition?: string
  /** Only processes without a parent. */
  readonly rootsOnly?: boolean
  /** Only the children of this pid. */
  readonly parent?: string
  /** Paused (true) or not (false). */
  readonly paused?: boolean
  /** First stored at or after this time (ms since the epoch). */
  readonly createdSince?: number
  /** Last stored at or after this time (ms since the epoch). */
  readonly modifiedSince?: number
  /** Whose pid or status contains this text (case-sensitive). */
  readonly search?: string
}

/** How to order a listing: by creation (the default) or last change; pid breaks ties. */
export type ProcessSort = 'created' | 'modified'

/** A page of a listing. */
export interface ProcessQuery extends ProcessFilter {
  readonly sort?: ProcessSort
  /** `asc` (the default: oldest first, as `verdi process list`) or `desc`. */
  readonly order?: 'asc' | 'desc'
  /** At most this many rows (default 100). */
  readonly limit?: number
  /** Skip this many first. */
  readonly offset?: number
}

/** The default page size. */
export const DEFAULT_LIMIT = 100

/** One stored process, as a listing shows it: what its row says, never its body. */
export interface ProcessRow {
  readonly pid: string
  /** The definition's name ('?' when the checkpoint cannot be read). */
  readonly definition: string
  readonly version: number | undefined
  /** Its state, or '?' when the checkpoint cannot be read (see `unreadable`). */
  readonly state: StateName | '?'
  readonly paused: boolean
  readonly status: string | undefined
  readonly parent: string | undefined
  /** When the store first saved it (ms since the epoch), if it knows. */
  readonly created: number | undefined
  /** When the store last saved it, if it knows. */
  readonly modified: number | undefined
  /** What its inbox keeps (a resume, signals by name), whatever its state; absent when nothing. */
  readonly inbox?: readonly KeptItem[]
  /** Set when its checkpoint cannot be read: why. */
  readonly unreadable?: string
}

/** A page of rows, and how many processes match the filter in all. */
export interface ProcessPage {
  readonly rows: readonly ProcessRow[]
  readonly total: number
}

/** How many processes match a filter, by state. */
export type StateCounts = Readonly<Record<StateName, number>>

/** A store that lists processes by query. */
export interface ProcessCatalog {
  /** One page of the processes that match. */
  listProcesses(query: ProcessQuery): Promise<ProcessPage>
  /** How many match the filter, in each state (the `states` of the filter are ignored). */
  countByState(filter: ProcessFilter): Promise<StateCounts>
}

/** Whether `store` answers process queries itself (from indexed columns). */
export const hasCatalog = <P extends Persister>(store: P): store is P & ProcessCatalog =>
  typeof (store as Partial<ProcessCatalog>).listProcesses === 'function' &&
  typeof (store as Partial<ProcessCatalog>).countByState === 'function'

/** Zero for every state. */
export const noCounts = (): Record<StateName, number> =>
  Object.fromEntries(STATE_NAMES.map((name) => [name, 0])) as Record<StateName, number>

/** A definition filter as (name, version?): `Pipeline` or `Pipeline@2`. */
export const parseDefinitionFilter = (
  definition: string,
): { readonly name: string; readonly version: number | undefined } => {
  const match = /^(.+)@(\d+)$/.exec(definition)
  return match === null
    ? { name: definition, version: undefined }
    : { name: match[1] as string, version: Number(match[2]) }
}

/**
 * The query with its defaults, or a `RangeError` naming the field and why (a negative limit, an
 * unknown state…): stores build SQL from it, so nothing unchecked gets that far.
 */
export const normaliseQuery = (
  query: ProcessQuery,
): Required<Omit<ProcessQuery, keyof ProcessFilter>> & ProcessFilter => {
  const limit = query.limit ?? DEFAULT_LIMIT
  const offset = query.offset ?? 0
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`query.limit: ${limit} is not a whole number ≥ 0`)
  if (!Number.isInteger(offset) || offset < 0)
    throw new RangeError(`query.offset: ${offset} is not a whole number ≥ 0`)
  const sort = query.sort ?? 'created'
  if (sort !== 'created' && sort !== 'modified')
    throw new RangeError(`query.sort: '${String(sort)}' is not 'created' or 'modified'`)
  const order = query.order ?? 'asc'
  if (order !== 'asc' && order !== 'desc')
    throw new RangeError(`query.order: '${String(order)}' is not 'asc' or 'desc'`)
  checkFilter(query)
  return { ...query, limit, offset, sort, order }
}

/** Throws a `RangeError` naming the field of a filter that no store could apply. */
export const checkFilter = (filter: ProcessFilter): void => {
  for (const state of filter.states ?? [])
    if (!STATE_NAMES.includes(state))
      throw new RangeError(`filter.states: '${state}' is not one of ${STATE_NAMES.join(', ')}`)
  for (const key of ['createdSince', 'modifiedSince'] as const) {
    const value = filter[key]
    if (value !== undefined && !Number.isFinite(value))
      throw new RangeError(`filter.${key}: ${value} is not a time in milliseconds`)
  }
}
