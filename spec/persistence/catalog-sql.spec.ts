/**
 * What only the SQL stores do for listings: answer filters from indices (never by reading
 * bodies), and bring a store made before the listing columns up to date when it is opened.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { listStatement } from '../../lib/persistence/catalog/sql.js'
import { POSTGRES_DIALECT } from '../../lib/persistence/postgres/catalog.js'
import { SQLITE_DIALECT } from '../../lib/persistence/sqlite/catalog.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import type { ProcessQuery } from '../../lib/persistence/catalog/index.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { finished, runningChain, withPid } from './fixtures.js'

const QUERIES: readonly [string, ProcessQuery][] = [
  ['checkpoints_by_state', { states: ['WAITING'], limit: 50 }],
  ['checkpoints_by_definition', { definition: 'Pipeline', limit: 50 }],
  ['checkpoints_by_parent', { rootsOnly: true, limit: 50 }],
  ['checkpoints_paused', { paused: true, limit: 50 }],
  ['checkpoints_by_parent', { parent: 'p1', limit: 50 }],
]

describe('SqlitePersister listings', () => {
  let directory: string
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'plumpy-catalog-sql-'))
  })
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('answers every filter from its own index', () => {
    const persister = new SqlitePersister({ path: ':memory:' })
    for (const [index, query] of QUERIES) {
      const { text, params } = listStatement(query, SQLITE_DIALECT)
      const plan = persister.database.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params)
      expect(JSON.stringify(plan), JSON.stringify(query)).toContain(index)
      expect(JSON.stringify(plan), 'sorted by the index').not.toContain('TEMP B-TREE')
    }
  })

  it('fills the listing columns of rows that lack them when opened', async () => {
    const path = join(directory, 'old.db')
    const first = new SqlitePersister({ path })
    await first.saveCheckpoint(withPid(runningChain, 'old-1'))
    await first.saveCheckpoint(withPid(finished, 'old-2'))
    // As a store made before the listing columns left them: empty.
    first.database.exec(
      'UPDATE checkpoints SET definition = NULL, definition_version = NULL, state = NULL, ' +
        'paused = NULL, status = NULL, created_at = NULL',
    )
    first.database.exec("UPDATE checkpoints SET body = '{broken' WHERE pid = 'old-2'")
    await first.close()
    const again = new SqlitePersister({ path })
    const page = await again.listProcesses({})
    expect(page.rows.map((row) => [row.pid, row.state, row.definition])).toEqual([
      ['old-1', 'RUNNING', runningChain.definition.name],
      ['old-2', '?', '?'],
    ])
    expect(page.rows[0]?.created).toBeTypeOf('number')
    expect(page.rows[1]?.unreadable).toMatch(/could not be read/)
    await again.close()
  })
})

describe('PostgresPersister listings', () => {
  let database: FreshDatabase
  let persister: PostgresPersister
  beforeAll(async () => {
    database = await freshPgDatabase('catalog_sql')
    persister = new PostgresPersister({ connectionString: database.url })
    await persister.ensureSchema()
  })
  afterAll(async () => {
    await persister?.close()
    await database?.drop()
  })

  it('answers every filter from its own index', async () => {
    const client = await persister.pool.connect()
    try {
      // An empty table is read whole by any planner: forbid that to see which index it picks.
      await client.query('SET enable_seqscan = off')
      for (const [index, query] of QUERIES) {
        const { text, params } = listStatement(query, POSTGRES_DIALECT)
        const plan = JSON.stringify((await client.query(`EXPLAIN ${text}`, [...params])).rows)
        // Which index the planner picks on an empty table is its choice; that it needs no
        // table scan is what matters (bench/list.ts measures 100,000 rows).
        expect(plan, JSON.stringify(query)).toMatch(/Index (Only )?Scan using checkpoints_/)
        expect(plan, `${index} or another index`).not.toContain('Seq Scan')
      }
    } finally {
      client.release()
    }
  })
})
