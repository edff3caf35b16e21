/** The catalog columns of a checkpoint, as the SQL stores write them beside its body. */
import * as t from 'io-ts'
import type { Bundle } from '../../checkpoint/bundle.js'
import { shortReport } from '../../checkpoint/decode-report.js'
import { KeptItemJson, keptOf, type KeptItem } from '../../waits/inbox.js'

/** What a listing shows of a process, as column values (`null` for none). */
export interface CatalogColumns {
  readonly definition: string
  readonly version: number
  readonly state: string
  readonly paused: boolean
  readonly status: string | null
  readonly parent: string | null
  /** What the inbox keeps, as JSON `KeptItem`s without payloads; null when it keeps nothing. */
  readonly inbox: string | null
}

/** The catalog columns of `data`. */
export const catalogColumnsOf = (data: Bundle): CatalogColumns => ({
  definition: data.definition.name,
  version: data.definition.version,
  state: data.snapshot.state._tag,
  paused: data.snapshot.paused,
  status: data.snapshot.status ?? null,
  parent: data.parentPid ?? null,
  inbox: inboxColumnOf(data),
})

/** The inbox column of `data`: its kept items as JSON, null when it keeps nothing. */
const inboxColumnOf = (data: Bundle): string | null => {
  const inbox = data.snapshot.inbox
  return inbox === undefined || inbox.length === 0 ? null : JSON.stringify(keptOf(data.snapshot))
}

const InboxColumn = t.array(KeptItemJson)

/**
 * The kept items an inbox column holds (none for null), or why it does not read (a row written
 * by something else than this library).
 */
export const keptOfColumn = (
  text: string | null,
): { readonly inbox: readonly KeptItem[] } | { readonly unreadable: string } => {
  if (text === null) return { inbox: [] }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { unreadable: `its inbox column is not JSON (${String(error)})` }
  }
  const decoded = InboxColumn.decode(json)
  return decoded._tag === 'Right'
    ? { inbox: decoded.right }
    : { unreadable: `its inbox column does not read: ${shortReport(decoded.left, 'inbox')}` }
}
