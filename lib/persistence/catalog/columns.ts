/** The catalog columns of a checkpoint, as the SQL stores write them beside its body. */
import type { Bundle } from '../../checkpoint/bundle.js'

/** What a listing shows of a process, as column values (`null` for none). */
export interface CatalogColumns {
  readonly definition: string
  readonly version: number
  readonly state: string
  readonly paused: boolean
  readonly status: string | null
  readonly parent: string | null
}

/** The catalog columns of `data`. */
export const catalogColumnsOf = (data: Bundle): CatalogColumns => ({
  definition: data.definition.name,
  version: data.definition.version,
  state: data.snapshot.state._tag,
  paused: data.snapshot.paused,
  status: data.snapshot.status ?? null,
  parent: data.parentPid ?? null,
})
