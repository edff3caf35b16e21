/**
 * What only the SQL stores do for listings: answer filters from indices (never by reading
 * bodies), and bring a store made before the listing columns up to date when it is opened.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import {
  countByStateStatement,
  countStatement,
  listStatement,
} from '../../lib/persistence/catalog/sql.js'
import { POSTGRES_DIALECT } from '../../lib/persistence/postgres/catalog.js'
import { SQLITE_DIALECT } from '../../lib/persistence/sqlite/catalog.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import type { ProcessQuery } from '../../lib/persistence/catalog/index.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { finished, runningChain, withPid } from './fixtures.js'

const QUERIES: readonly [string, ProcessQuery][] = [
  ['checkpoints_listing', { states: ['WAITING'], limit: 50 }],
  ['checkpoints_listing', { definition: 'Pipeline', limit: 50 }],
  ['checkpoints_listing', { rootsOnly: true, limit: 50 }],
  ['checkpoints_listing', { paused: true, limit: 50, offset: 1000 }],
  ['checkpoints_listing', { search: 'job 12', limit: 50 }],
  ['checkpoints_recent', { definition: 'Pipeline', sort: 'modified', limit: 50 }],
  ['checkpoints_by_parent', { parent: 'p1', limit: 50 }],
]

/** `EXPLAIN QUERY PLAN`'s rows. */
type PlanRow = { readonly id: number; readonly parent: number; readonly detail: string }

describe('SqlitePersister listings', () => {
  let directory: string
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'plumpy-catalog-sql-'))
  })
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('finds a page from one index alone, in its order, and reads only the rows of that page', () => {
    const persister = new SqlitePersister({ path: ':memory:' })
    const planOf = (text: string, params: readonly unknown[]) =>
      persister.database.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as PlanRow[]
    for (const [index, query] of QUERIES) {
      const { text, params } = listStatement(query, SQLITE_DIALECT)
      const plan = planOf(text, params)
      const page = plan.find((row) => row.detail === 'CO-ROUTINE page')
      const inPage = plan.filter((row) => row.parent === page?.id).map((row) => row.detail)
      const why = JSON.stringify({ query, plan })
      // A scan of the whole index, or a search of one parent's children in it; never a sort.
      const expected =
        index === 'checkpoints_by_parent'
          ? `SEARCH checkpoints USING COVERING INDEX ${index} (parent=?)`
          : `SCAN checkpoints USING COVERING INDEX ${index}`
      expect(inPage, why).toEqual([expected])
      // The page's rows, by primary key; only those few are sorted again.
      expect(
        plan.map((row) => row.detail),
        why,
      ).toContain('SEARCH c USING PRIMARY KEY (pid=? AND tag_key=?)')
    }
    for (const filter of [{}, { definition: 'Pipeline', rootsOnly: true }, { paused: false }]) {
      for (const statement of [countStatement, countByStateStatement]) {
        const { text, params } = statement(filter, SQLITE_DIALECT)
        const details = planOf(text, params).map((row) => row.detail)
        expect(details, text).toEqual(['SCAN checkpoints USING COVERING INDEX checkpoints_states'])
      }
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
