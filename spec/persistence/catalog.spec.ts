/**
 * Listings and history on every store: the conformance suites, and what only the SQL stores do
 * (read indices, not bodies; upgrade a store made before the listing columns).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { FilePersister } from '../../lib/persistence/file.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import type { Persister } from '../../lib/persistence/persister.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  catalogConformance,
  historyConformance,
  type MakeCatalogStore,
} from './catalog-conformance.js'

const memory: MakeCatalogStore = async (history) => {
  const persister = new InMemoryPersister(history === undefined ? {} : { history })
  return { persister, cleanup: () => persister.close() }
}

const inDirectory =
  (open: (directory: string) => Promise<Persister>): MakeCatalogStore =>
  async () => {
    const directory = await mkdtemp(join(tmpdir(), 'plumpy-catalog-'))
    try {
      const persister = await open(directory)
      return {
        persister,
        cleanup: async () => {
          await persister.close()
          await rm(directory, { recursive: true, force: true })
        },
      }
    } catch (error) {
      await rm(directory, { recursive: true, force: true })
      throw error
    }
  }

const sqlite: MakeCatalogStore = (history) =>
  inDirectory(
    async (directory) =>
      new SqlitePersister({
        path: join(directory, 'p.db'),
        ...(history === undefined ? {} : { history }),
      }),
  )()

const file: MakeCatalogStore = inDirectory(
  async (directory) => new FilePersister({ directory, durable: false }),
)

let database: FreshDatabase
beforeAll(async () => {
  database = await freshPgDatabase('catalog')
})
afterAll(async () => {
  await database?.drop()
})

const postgres: MakeCatalogStore = async (history) => {
  const persister = new PostgresPersister({
    connectionString: database.url,
    ...(history === undefined ? {} : { history }),
  })
  await persister.ensureSchema()
  await persister.pool.query('TRUNCATE checkpoints, checkpoint_patches, process_history')
  return { persister, cleanup: () => persister.close() }
}

catalogConformance('InMemoryPersister', memory)
catalogConformance('SqlitePersister', sqlite)
catalogConformance('PostgresPersister', postgres)
catalogConformance('FilePersister, scanned', file)
historyConformance('InMemoryPersister', memory)
historyConformance('SqlitePersister', sqlite)
historyConformance('PostgresPersister', postgres)
