/**
 * Workers claim due processes from PostgreSQL's deadline index through their leases: only what
 * no live worker holds, each by one worker.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { PostgresOwnership } from '../../lib/worker/postgres-ownership.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { sleeping } from '../persistence/deadline-index.js'

describe('claiming due processes from the PostgreSQL deadline index', () => {
  let db: FreshDatabase
  let store: PostgresPersister
  const owners: PostgresOwnership[] = []
  const owner = async (name: string) => {
    const ownership = await PostgresOwnership.connect({
      url: db.url,
      store,
      name,
      logger: silentLogger,
    })
    owners.push(ownership)
    return ownership
  }

  beforeAll(async () => {
    db = await freshPgDatabase('due_claims')
    store = new PostgresPersister({ connectionString: db.url })
    await store.ensureSchema()
  })
  afterEach(async () => {
    for (const ownership of owners.splice(0)) await ownership.close()
    await store.pool.query('TRUNCATE checkpoints, checkpoint_patches, process_deadlines')
    await store.pool.query('TRUNCATE process_claims')
  })
  afterAll(async () => {
    await store?.close()
    await db?.drop()
  })

  it('gives each due process to one of two contenders claiming at once, earliest first', async () => {
    const [a, b] = [await owner('a'), await owner('b')]
    for (let i = 0; i < 30; i++) await store.saveCheckpoint(sleeping(`p${i}`, 1_000 + i))
    await store.saveCheckpoint(sleeping('later', 9_000))
    const [byA, byB] = await Promise.all([a.claimDue(5_000, 20), b.claimDue(5_000, 20)])
    const all = [...byA, ...byB]
    expect(all).toHaveLength(30)
    expect(new Set(all).size).toBe(30)
    expect(all).not.toContain('later')
    for (const pid of byA) expect(a.holds(pid)).toBe(true)
    for (const pid of byB) expect(await a.ownerOf(pid)).toBe('b')
    // The earliest are claimed first.
    const first = await owner('c')
    await store.saveCheckpoint(sleeping('q1', 100))
    await store.saveCheckpoint(sleeping('q0', 50))
    expect(await first.claimDue(5_000, 1)).toEqual(['q0'])
  })

  it('leaves a process a live worker holds, and takes it once that worker is gone', async () => {
    const a = await owner('a')
    const b = await owner('b')
    expect(await a.claim('held')).toBe(true)
    await store.saveCheckpoint(sleeping('held', 1_000))
    expect(await b.claimDue(5_000, 10)).toEqual([])
    expect(await a.claimDue(5_000, 10)).toEqual([]) // its own, it fires itself
    await a.close() // its lease goes: as when its worker dies
    expect(await b.claimDue(5_000, 10)).toEqual(['held'])
    expect(await b.ownerOf('held')).toBe('b')
  })
})
