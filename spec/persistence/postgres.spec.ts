import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import type { IncrementalOptions } from '../../lib/persistence/incremental.js'
import { checkpointText } from '../../lib/persistence/stored.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { expectSame, persisterConformance, type PersisterUnderTest } from './conformance.js'
import { created } from './fixtures.js'

// One database for the file; each test starts from empty tables.
let database: FreshDatabase
beforeAll(async () => {
  database = await freshPgDatabase('persistence')
})
afterAll(async () => {
  await database?.drop()
})

const makeStore = async (incremental?: IncrementalOptions): Promise<PersisterUnderTest> => {
  const target = { connectionString: database.url }
  const options = incremental === undefined ? target : { ...target, incremental }
  const persister = new PostgresPersister(options)
  await persister.ensureSchema()
  await persister.pool.query('TRUNCATE checkpoints, checkpoint_patches')
  const others: PostgresPersister[] = []
  return {
    persister,
    cleanup: async () => {
      for (const other of others) await other.close()
      await persister.close()
    },
    corrupt: async (pid, tag, body = 'garbage{') => {
      await persister.pool.query(
        `UPDATE checkpoints SET body = $3 WHERE pid = $1 AND tag IS NOT DISTINCT FROM $2`,
        [pid, tag ?? null, body],
      )
    },
    corruptLatestPatch: async (pid, tag) => {
      await persister.pool.query(
        `UPDATE checkpoint_patches p SET patch = '[[["at",{}]]]' FROM checkpoints c
         WHERE c.pid = p.pid AND c.tag_key = p.tag_key AND p.version = c.version
           AND p.pid = $1 AND p.tag_key = $2`,
        [pid, tag === undefined ? '' : `=${tag}`],
      )
    },
    another: async () => {
      const other = new PostgresPersister(options)
      others.push(other)
      return other
    },
  }
}

persisterConformance('PostgresPersister', () => makeStore())
persisterConformance('PostgresPersister, incremental', () => makeStore({ compactEvery: 5 }), {
  compactEvery: 5,
})

describe('PostgresPersister', () => {
  it('creates its tables once, even when several workers start at the same time', async () => {
    const fresh = await freshPgDatabase('persistence_schema')
    try {
      const workers = Array.from(
        { length: 6 },
        () => new PostgresPersister({ connectionString: fresh.url }),
      )
      await Promise.all(workers.map((worker) => worker.ensureSchema()))
      await Promise.all(workers.map((worker) => worker.ensureSchema()))
      await workers[0]?.saveCheckpoint(created)
      expectSame((await workers[5]?.loadCheckpoint(created.pid)) ?? created, created)
      await Promise.all(workers.map((worker) => worker.close()))
    } finally {
      await fresh.drop()
    }
  })

  it('adds the state and parent columns to a store made before them, filled from the bodies', async () => {
    const old = await freshPgDatabase('persistence_migrate')
    const client = new pg.Client({ connectionString: old.url })
    await client.connect()
    try {
      // The tables as earlier versions made them, with a child's checkpoint and a damaged row.
      await client.query(`
        CREATE TABLE checkpoints (
          pid TEXT COLLATE "C" NOT NULL, tag TEXT, tag_key TEXT COLLATE "C" NOT NULL,
          body TEXT NOT NULL, version BIGINT NOT NULL, base BIGINT NOT NULL,
          saved_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (pid, tag_key));
        CREATE TABLE checkpoint_patches (
          pid TEXT COLLATE "C" NOT NULL, tag_key TEXT COLLATE "C" NOT NULL,
          version BIGINT NOT NULL, patch TEXT NOT NULL, PRIMARY KEY (pid, tag_key, version));`)
      const child = {
        ...created,
        pid: 'child',
        parentPid: 'parent',
        snapshot: { ...created.snapshot, pid: 'child' },
      }
      await client.query(
        `INSERT INTO checkpoints (pid, tag, tag_key, body, version, base)
         VALUES ('child', NULL, '', $1, 1, 1), ('damaged', NULL, '', 'garbage{', 1, 1)`,
        [checkpointText(child)],
      )
      const persister = new PostgresPersister({ connectionString: old.url })
      await persister.ensureSchema()
      const columns = await client.query('SELECT pid, state, parent FROM checkpoints ORDER BY pid')
      expect(columns.rows).toEqual([
        { pid: 'child', state: 'CREATED', parent: 'parent' },
        { pid: 'damaged', state: '?', parent: null },
      ])
      expect(await persister.orphanCandidates(0, 10)).toEqual(['child'])
      expectSame(await persister.loadCheckpoint('child'), child)
      await persister.close()
    } finally {
      await client.end()
      await old.drop()
    }
  })

  it('leaves a pool it was given open, and ends the one it opened', async () => {
    const pool = new pg.Pool({ connectionString: database.url })
    try {
      const borrowing = new PostgresPersister({ pool })
      await borrowing.saveCheckpoint(created, 'borrowed')
      await borrowing.close()
      const count = await pool.query('SELECT count(*)::int AS n FROM checkpoints WHERE tag = $1', [
        'borrowed',
      ])
      expect(count.rows[0]).toEqual({ n: 1 })
    } finally {
      await pool.end()
    }
    const owning = new PostgresPersister({ connectionString: database.url })
    await owning.getCheckpoints()
    await owning.close()
    expect(owning.pool.ended).toBe(true)
    await owning.close()
  })
})
