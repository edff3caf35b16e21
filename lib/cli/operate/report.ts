/**
 * The lines of `plumpy-ts report`: the history of a process and of its descendants, merged in
 * time order, each line indented by its depth in the tree, as `verdi process report` prints the
 * log of a work chain and its children.
 */
import type { ProcessCatalog, ProcessRow } from '../../persistence/catalog/query.js'
import type { ProcessHistory, StoredHistoryEntry } from '../../persistence/catalog/history.js'
import { formatDuration, formatPreciseTime } from './times.js'

/** A process of the tree, with its depth (0: the one asked for). */
interface TreeMember {
  readonly row: ProcessRow
  readonly depth: number
}

/** How many children of one process a report follows (a larger tree is cut, and says so). */
export const MAX_CHILDREN = 10_000

/** What {@link reportLines} reads. */
export interface ReportSources {
  readonly catalog: ProcessCatalog
  readonly history: ProcessHistory
}

/** The report of `root` and its descendants; undefined when the store has no such process. */
export const reportLines = async (
  sources: ReportSources,
  root: string,
): Promise<string[] | undefined> => {
  const [top] = (await sources.catalog.listProcesses({ pid: root, limit: 1 })).rows
  if (top === undefined) return undefined
  const notes: string[] = []
  const members = await treeOf(sources.catalog, top, notes)
  const lines: { readonly entry: StoredHistoryEntry; readonly member: TreeMember }[] = []
  for (const member of members)
    for (const entry of await sources.history.readHistory(member.row.pid))
      lines.push({ entry, member })
  lines.sort((a, b) => a.entry.at - b.entry.at || a.entry.seq - b.entry.seq)
  if (lines.length === 0)
    return [`no history of ${root} in the store (it keeps history from the worker's start on)`]
  return [
    ...lines.map(({ entry, member }) => '  '.repeat(member.depth) + entryLine(entry, member.row)),
    ...notes,
  ]
}

const treeOf = async (
  catalog: ProcessCatalog,
  top: ProcessRow,
  notes: string[],
): Promise<TreeMember[]> => {
  const members: TreeMember[] = [{ row: top, depth: 0 }]
  for (let i = 0; i < members.length; i++) {
    const { row, depth } = members[i] as TreeMember
    const page = await catalog.listProcesses({ parent: row.pid, limit: MAX_CHILDREN })
    for (const child of page.rows) members.push({ row: child, depth: depth + 1 })
    if (page.total > page.rows.length)
      notes.push(`(${row.pid}: only its first ${page.rows.length} of ${page.total} children)`)
  }
  return members
}

/** `2026-01-31 12:00:05.123 [pid | Definition] RUNNING -> WAITING  step ask, 12 ms  | status` */
export const entryLine = (entry: StoredHistoryEntry, row: ProcessRow): string => {
  const what =
    entry.kind === 'transition'
      ? `${entry.from ?? 'None'} -> ${entry.to}`
      : `${entry.kind} (${entry.to})`
  const details = [
    ...(entry.step === undefined ? [] : [`step ${entry.step}`]),
    ...(entry.durationMs === undefined || entry.from === null
      ? []
      : [`after ${formatDuration(entry.durationMs)} in ${entry.from}`]),
  ]
  const status = entry.status === undefined ? '' : `  | ${entry.status}`
  return (
    `${formatPreciseTime(entry.at)} [${entry.pid} | ${row.definition}] ${what}` +
    `${details.length === 0 ? '' : `  ${details.join(', ')}`}${status}`
  )
}
