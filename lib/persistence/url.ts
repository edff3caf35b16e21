/**
 * Open a persister from a URL, for the CLI and configuration files. The SQLite and PostgreSQL
 * stores are imported only when asked for, so `memory:` and `file:` never load native modules.
 */
import { fileURLToPath } from 'node:url'
import { FilePersister } from './file.js'
import type { IncrementalOptions } from './incremental.js'
import { InMemoryPersister } from './memory.js'
import type { Persister } from './persister.js'

/** Options that apply to the stores that support them. */
export interface OpenPersisterOptions {
  /** Incremental checkpoints, for `sqlite:` and `postgres:`; ignored by the others. */
  readonly incremental?: IncrementalOptions
  /**
   * PostgreSQL only: saves queued behind a commit in flight share the next one (see
   * `PostgresPersister`'s `groupCommit`). On unless `false`: a lone save costs the same either
   * way, and the processes of a worker that wait for their commits at once share them.
   */
  readonly groupCommit?: boolean
}

/**
 * A persister for `url`:
 * - `memory:` — in memory, gone with the process;
 * - `file:/path/dir` (or `file:relative/dir`) — one JSON file per checkpoint;
 * - `sqlite:/path/file.db`, `sqlite::memory:`, or any path ending in `.db`, `.sqlite` or
 *   `.sqlite3` — SQLite;
 * - `postgres://…` or `postgresql://…` — PostgreSQL.
 *
 * Rejects with an error naming the accepted forms for anything else.
 *
 * @example
 * const persister = await openPersister('sqlite:./checkpoints.db')
 */
export const openPersister = async (
  url: string,
  options: OpenPersisterOptions = {},
): Promise<Persister> => {
  const incremental = options.incremental === undefined ? {} : { incremental: options.incremental }
  if (url === 'memory:') return new InMemoryPersister()
  if (url.startsWith('file:')) return new FilePersister({ directory: pathOf(url, 'file:') })
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { PostgresPersister } = await import('./postgres/index.js')
    const groupCommit = options.groupCommit ?? true
    return new PostgresPersister({ connectionString: url, ...incremental, groupCommit })
  }
  const sqlitePath = url.startsWith('sqlite:')
    ? pathOf(url, 'sqlite:')
    : /\.(db|sqlite|sqlite3)$/i.test(url) && !/^[a-z][a-z0-9+.-]+:/i.test(url)
      ? url
      : undefined
  if (sqlitePath !== undefined) {
    const { SqlitePersister } = await import('./sqlite/index.js')
    return new SqlitePersister({ path: sqlitePath, ...incremental })
  }
  throw new Error(
    `unknown persister URL '${url}': use memory:, file:<directory>, sqlite:<file> (or a path ` +
      `ending in .db, .sqlite or .sqlite3), or postgres://…`,
  )
}

/** The path of `file:` and `sqlite:` URLs; `scheme:relative/path` stays relative. */
const pathOf = (url: string, scheme: string): string => {
  const rest = url.slice(scheme.length)
  if (rest === '') throw new Error(`'${url}' names no path: write ${scheme}<path>`)
  if (scheme === 'sqlite:' && rest === ':memory:') return rest
  // `file:/a%20b` is a URL (decode it); `file:data` or `sqlite:C:\x.db` is a plain path.
  return rest.startsWith('/') ? fileURLToPath(`file:${rest}`) : rest
}
