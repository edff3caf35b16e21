import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { deadlineIndexChecks, sleeping } from './deadline-index.js'

let database: FreshDatabase
beforeAll(async () => {
  database = await freshPgDatabase('deadlines')
})
afterAll(async () => {
  await database?.drop()
})

const makeStore = async (incremental: boolean) => {
  const target = { connectionString: database.url }
  const persister = new PostgresPersister(
    incremental ? { ...target, incremental: { compactEvery: 3 } } : target,
  )
  await persister.ensureSchema()
  await persister.pool.query('TRUNCATE checkpoints, checkpoint_patches, process_deadlines')
  return { persister, cleanup: () => persister.close() }
}

deadlineIndexChecks('PostgresPersister', () => makeStore(false))
deadlineIndexChecks('PostgresPersister, incremental', () => makeStore(true))

describe('PostgresPersister deadline index', () => {
  it('indexes the waiting roots of a store made before the index when its schema is ensured', async () => {
    const { persister: old, cleanup } = await makeStore(true)
    await old.saveCheckpoint(sleeping('early', 1_000))
    await old.saveCheckpoint(sleeping('late', 9_000))
    await old.saveCheckpoint(sleeping('late', 8_000)) // a patch on top of the first body
    await old.pool.query('DROP TABLE process_deadlines')
    await old.pool.query('ALTER TABLE checkpoints DROP COLUMN deadline')
    await cleanup()
    const store = new PostgresPersister({ connectionString: database.url })
    try {
      expect(await store.dueProcesses(10_000, 10)).toEqual([
        { pid: 'early', deadline: 1_000 },
        { pid: 'late', deadline: 8_000 },
      ])
      // The rows know their deadlines too: a save of the same wait keeps its row, another moves it.
      await store.saveCheckpoint(sleeping('early', 1_000))
      await store.saveCheckpoint(sleeping('late', 7_000))
      expect(await store.dueProcesses(10_000, 10)).toEqual([
        { pid: 'early', deadline: 1_000 },
        { pid: 'late', deadline: 7_000 },
      ])
    } finally {
      await store.close()
    }
  })

  it('copies the index into the rows of a store made before the rows kept their deadline', async () => {
    const { persister: old, cleanup } = await makeStore(false)
    await old.saveCheckpoint(sleeping('kept', 1_000))
    await old.saveCheckpoint(sleeping('moved', 2_000))
    await old.pool.query('ALTER TABLE checkpoints DROP COLUMN deadline')
    await cleanup()
    const store = new PostgresPersister({ connectionString: database.url })
    try {
      await store.ensureSchema()
      const { rows } = await store.pool.query(
        `SELECT pid, deadline::int FROM checkpoints WHERE pid IN ('kept', 'moved') ORDER BY pid`,
      )
      expect(rows).toEqual([
        { pid: 'kept', deadline: 1_000 },
        { pid: 'moved', deadline: 2_000 },
      ])
      await store.saveCheckpoint(sleeping('kept', 1_000))
      await store.saveCheckpoint(sleeping('moved', 3_000))
      expect(await store.dueProcesses(10_000, 10)).toEqual([
        { pid: 'kept', deadline: 1_000 },
        { pid: 'moved', deadline: 3_000 },
      ])
    } finally {
      await store.close()
    }
  })
})
