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
    await cleanup()
    const store = new PostgresPersister({ connectionString: database.url })
    try {
      expect(await store.dueProcesses(10_000, 10)).toEqual([
        { pid: 'early', deadline: 1_000 },
        { pid: 'late', deadline: 8_000 },
      ])
    } finally {
      await store.close()
    }
  })
})
