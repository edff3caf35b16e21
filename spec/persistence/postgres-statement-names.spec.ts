/**
 * The PostgreSQL store's prepared statements are named after their text. Stores of two versions
 * (another text for each statement) or two stores of one version share a pool of one connection:
 * each runs its own statements, alone and in group-committed batches, where fixed names made
 * the second fail. After the server ends the pool's connections, batches are prepared again on
 * the new ones. Which saves shared a transaction is read from the rows (`xmin`).
 */
import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import type * as Schema from '../../lib/persistence/postgres/schema.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { expectSame } from './conformance.js'
import { loopCheckpoint } from './fixtures.js'

const SCHEMA = '../../lib/persistence/postgres/schema.js'
const APPLICATION = 'plumpy statement names'

let database: FreshDatabase
let pool: pg.Pool
beforeAll(async () => {
  database = await freshPgDatabase('statement_names')
})
afterAll(async () => {
  await database?.drop()
})
beforeEach(() => {
  pool = new pg.Pool({ connectionString: database.url, max: 1, application_name: APPLICATION })
  // The server ends idle connections in one test: the pool drops them and opens new ones.
  pool.on('error', () => undefined)
})
afterEach(async () => {
  await pool.end()
})

/**
 * `PostgresPersister` as another version of the store would be: the same code, a fresh copy of
 * its modules, every statement's text different from this version's.
 */
const otherVersion = async (): Promise<typeof PostgresPersister> => {
  vi.resetModules()
  vi.doMock(SCHEMA, async (importOriginal) => {
    const actual = await importOriginal<typeof Schema>()
    const statements = Object.entries(actual.POSTGRES_STATEMENTS).map(([label, text]) => [
      label,
      `/* another version */ ${text}`,
    ])
    return { ...actual, POSTGRES_STATEMENTS: Object.fromEntries(statements) }
  })
  try {
    const other = await import('../../lib/persistence/postgres/persister.js')
    expect(other.PostgresPersister).not.toBe(PostgresPersister)
    return other.PostgresPersister
  } finally {
    vi.doUnmock(SCHEMA)
    vi.resetModules()
  }
}

const transactionsOf = async (prefix: string): Promise<number> => {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(DISTINCT xmin::text)::int AS n FROM checkpoints WHERE pid LIKE $1',
    [`${prefix}%`],
  )
  return rows[0]?.n ?? NaN
}

/**
 * A save alone, then ten at once (the first goes alone, the nine that queue behind it share the
 * next commit), each loaded back; how many transactions wrote the ten.
 */
const saveAloneAndTogether = async (store: PostgresPersister, prefix: string) => {
  const alone = loopCheckpoint(`${prefix}alone`, 1)
  await store.saveCheckpoint(alone)
  expectSame(await store.loadCheckpoint(alone.pid), alone)
  const together = Array.from({ length: 10 }, (_, i) => loopCheckpoint(`${prefix}together-${i}`, i))
  await Promise.all(together.map((bundle) => store.saveCheckpoint(bundle)))
  for (const bundle of together) expectSame(await store.loadCheckpoint(bundle.pid), bundle)
  return transactionsOf(`${prefix}together-`)
}

describe('PostgresPersister prepared statement names', () => {
  it('runs the statements of two versions of the store on one connection, alone and in batches', async () => {
    const Other = await otherVersion()
    const stores = [
      new PostgresPersister({ pool, groupCommit: true }),
      new Other({ pool, groupCommit: true }),
    ]
    for (const round of [1, 2])
      for (const [version, store] of stores.entries())
        expect(await saveAloneAndTogether(store, `v${version}-${round}-`)).toBeLessThanOrEqual(3)
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'plumpy_saveWhole%'`,
    )
    // One connection: each version's text under its own names, alone and for batches.
    expect(rows[0]?.n).toBe(4)
  })

  it('commits the batches of two stores of one version sharing a pool together', async () => {
    const stores = [
      new PostgresPersister({ pool, groupCommit: true }),
      new PostgresPersister({ pool, groupCommit: true }),
    ]
    for (const [index, store] of stores.entries())
      expect(await saveAloneAndTogether(store, `same-${index}-`)).toBeLessThanOrEqual(3)
  })

  it('prepares its statements again on the connections that replace those the server ended', async () => {
    const store = new PostgresPersister({ pool, groupCommit: true })
    expect(await saveAloneAndTogether(store, 'before-')).toBeLessThanOrEqual(3)
    const admin = new pg.Client({ connectionString: database.url })
    await admin.connect()
    try {
      const { rows } = await admin.query<{ ended: boolean }>(
        'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1',
        [APPLICATION],
      )
      expect(rows.map((row) => row.ended)).toEqual([true])
    } finally {
      await admin.end()
    }
    for (let tries = 0; pool.totalCount > 0 && tries < 400; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10))
    expect(pool.totalCount, 'connections left after the server ended them').toBe(0)
    expect(await saveAloneAndTogether(store, 'after-')).toBeLessThanOrEqual(3)
  })
})
