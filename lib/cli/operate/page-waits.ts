/**
 * What the WAITING processes of one listing page wait for. The catalog's columns do not hold it,
 * so the checkpoints of that page's WAITING rows are read (a page's worth, never the whole store).
 * What any row keeps in its inbox comes with the row itself (`ProcessRow.inbox`).
 */
import { CheckpointError } from '../../checkpoint/errors.js'
import type { ProcessRow } from '../../persistence/catalog/index.js'
import type { Persister } from '../../persistence/persister.js'
import { formatWaits, waitsOf, type WaitItem } from '../../waits/describe.js'
import { inboxSuffix, type KeptItem } from '../../waits/inbox.js'

/** The waits of one row, or why its checkpoint could not be read after it was listed. */
export type RowWaits =
  | { readonly _tag: 'Read'; readonly waits: readonly WaitItem[] }
  | { readonly _tag: 'Unreadable'; readonly reason: string }

/** The waits of the WAITING rows of a page, by pid (other rows wait for nothing). */
export const waitsOfPage = async (
  persister: Persister,
  rows: readonly ProcessRow[],
): Promise<ReadonlyMap<string, RowWaits>> => {
  const found = new Map<string, RowWaits>()
  for (const row of rows) {
    if (row.state !== 'WAITING') continue
    try {
      const data = await persister.loadCheckpoint(row.pid)
      found.set(row.pid, { _tag: 'Read', waits: waitsOf(data.snapshot) })
    } catch (error) {
      const reason = error instanceof CheckpointError ? error.reason : String(error)
      found.set(row.pid, { _tag: 'Unreadable', reason })
    }
  }
  return found
}

/**
 * The `waits for` column: `-` for nothing, `?` with the reason when the checkpoint went away;
 * then what the row's inbox keeps, whatever its state (`  inbox: resume; signal approve`).
 */
export const formatRowWaits = (row: ProcessRow, waits: RowWaits | undefined, now: number): string =>
  `${waitsColumn(waits, now)}${inboxSuffix(row.inbox)}`

const waitsColumn = (waits: RowWaits | undefined, now: number): string => {
  if (waits === undefined) return '-'
  switch (waits._tag) {
    case 'Read':
      return formatWaits(waits.waits, now)
    case 'Unreadable':
      return `? (${waits.reason})`
    default:
      return waits satisfies never
  }
}

/**
 * A row as `list --json` prints it: `waits` on WAITING rows, `waitsUnreadable` if unread; and,
 * on any row whose inbox keeps something, `inbox` (the row's own).
 */
export const rowWithWaits = (
  row: ProcessRow,
  waits: RowWaits | undefined,
): ProcessRow & {
  readonly waits?: readonly WaitItem[]
  readonly inbox?: readonly KeptItem[]
  readonly waitsUnreadable?: string
} => {
  if (waits === undefined) return row
  if (waits._tag === 'Unreadable') return { ...row, waitsUnreadable: waits.reason }
  return { ...row, waits: waits.waits }
}
