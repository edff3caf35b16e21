/**
 * `plumpy-ts list`: one page of the store's processes, filtered and sorted by the store (indexed
 * on SQLite and PostgreSQL), newest first: pid, created, definition, state, paused, status, and
 * what it waits for and keeps in its inbox.
 */
import type { Command } from 'commander'
import { catalogOf, type ProcessPage, type ProcessRow } from '../../persistence/catalog/index.js'
import { systemClock } from '../../runtime/environment.js'
import { nonNegativeInteger, openStore, storeOption, type StoreOptions } from '../connect.js'
import { filterOf, filterOptions, hasFilter, type FilterOptions } from '../operate/filters.js'
import { formatRowWaits, rowWithWaits, waitsOfPage, type RowWaits } from '../operate/page-waits.js'
import { formatTime } from '../operate/times.js'

interface ListOptions extends StoreOptions, FilterOptions {
  readonly limit: number
  readonly offset: number
  readonly oldestFirst?: boolean
  readonly json?: boolean
}

/** Registers `list` on the program. */
export const listCommand = (program: Command): void => {
  const command = program
    .command('list')
    .description(
      'List the processes of the store, newest first: pid, created, definition, state, paused, ' +
        'status, what it waits for.',
    )
  filterOptions(storeOption(command))
    .option('--limit <n>', 'at most this many', nonNegativeInteger, 100)
    .option('--offset <n>', 'skip this many first', nonNegativeInteger, 0)
    .option('--oldest-first', 'sort by creation, oldest first')
    .option(
      '--json',
      'print the page as JSON: { rows, total }, times in ms since the epoch, waits on WAITING ' +
        'rows, inbox on rows that keep something',
    )
    .action(async (options: ListOptions) => {
      const persister = await openStore(options.store)
      try {
        const page = await catalogOf(persister).listProcesses({
          ...filterOf(options, systemClock()),
          limit: options.limit,
          offset: options.offset,
          order: options.oldestFirst === true ? 'asc' : 'desc',
        })
        const waits = await waitsOfPage(persister, page.rows)
        if (options.json === true)
          console.log(
            JSON.stringify({
              ...page,
              rows: page.rows.map((row) => rowWithWaits(row, waits.get(row.pid))),
            }),
          )
        else
          for (const line of listLines({ page, waits, now: systemClock() }, options))
            console.log(line)
      } finally {
        await persister.close()
      }
    })
}

/** A page to print, with what its WAITING rows wait for and the time their deadlines count from. */
export interface ListedPage {
  readonly page: ProcessPage
  readonly waits: ReadonlyMap<string, RowWaits>
  /** Now, ms since the epoch: deadlines print relative to it. */
  readonly now: number
}

/** The lines `list` prints for a page. */
export const listLines = ({ page, waits, now }: ListedPage, options: ListOptions): string[] => {
  if (page.total === 0)
    return [hasFilter(options) ? 'no process matches' : 'no processes in the store']
  const lines = [
    'pid  created  definition  state  paused  status  waits for',
    ...page.rows.map((row) => listLine(row, formatRowWaits(row, waits.get(row.pid), now))),
  ]
  const first = options.offset + 1
  const last = options.offset + page.rows.length
  const more = last < page.total ? `; --offset ${last} for more` : ''
  lines.push(
    page.rows.length === 0
      ? `none past ${options.offset} of ${page.total}`
      : `${first}-${last} of ${page.total}${more}`,
  )
  return lines
}

/** One line of `list`; `waits` is the `waits for` column, as {@link formatRowWaits} prints it. */
export const listLine = (row: ProcessRow, waits: string): string =>
  row.unreadable !== undefined
    ? `${row.pid}  ${formatTime(row.created)}  ?  UNREADABLE  -  ${row.unreadable}`
    : `${row.pid}  ${formatTime(row.created)}  ${row.definition}@${row.version ?? '?'}  ` +
      `${row.state}  ${row.paused ? 'paused' : '-'}  ${row.status ?? '-'}  ${waits}`
