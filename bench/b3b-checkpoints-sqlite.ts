/**
 * B3b: B3a with the durable embedded store: `SqlitePersister` on a temporary file (its defaults:
 * WAL, synchronous=NORMAL), every checkpoint its own committed statement; checkpoints per second,
 * the final flush included. One database file serves every run (a new pid, so a new row, each).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqlitePersister } from '../lib/persistence/sqlite/index.js'
import { checkpointedLoop } from './checkpointed-loop.js'
import { runIfMain, type WorkloadArgs } from './harness.js'

export const main = async (args: WorkloadArgs) => {
  const dir = mkdtempSync(join(tmpdir(), 'plumpy-bench-'))
  const path = join(dir, 'checkpoints.db')
  // Opened by the persister once, so that the pragmas are its own; later runs share the file
  // through one connection that each run's persister borrows (and does not close).
  const owner = new SqlitePersister({ path })
  const database = owner.database
  try {
    const journal = database.pragma('journal_mode', { simple: true })
    const synchronous = database.pragma('synchronous', { simple: true })
    const result = await checkpointedLoop(
      args,
      { id: 'B3b', what: 'checkpoints per second, loop chain, SQLite file (WAL), each committed' },
      () => new SqlitePersister({ database }),
      { warmup: 3, runs: 11 },
    )
    return [
      {
        ...result,
        details: { ...result.details, journal, synchronous, sqlite: sqliteVersion(database) },
      },
    ]
  } finally {
    await owner.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const sqliteVersion = (database: SqlitePersister['database']): string =>
  (database.prepare('select sqlite_version() as v').get() as { v: string }).v

runIfMain(import.meta.url, main)
