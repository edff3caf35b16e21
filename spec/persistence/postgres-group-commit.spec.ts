/**
 * Group commit in the PostgreSQL store: saves that wait for a commit in flight are committed
 * together, and one that fails does not take the others with it. Which saves shared a
 * transaction is read from the rows themselves (`xmin`, the id of the transaction that wrote each).
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { PostgresGroupCommit } from '../../lib/persistence/postgres/group-commit.js'
import { openPersister, type Persister } from '../../lib/persistence/index.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { expectSame } from './conformance.js'
import { sleeping } from './deadline-index.js'
import { loopCheckpoint } from './fixtures.js'

let database: FreshDatabase
let persister: PostgresPersister
beforeAll(async () => {
  database = await freshPgDatabase('group_commit')
  persister = new PostgresPersister({ connectionString: database.url, groupCommit: true })
  await persister.ensureSchema()
})
afterAll(async () => {
  await persister?.close()
  await database?.drop()
})

const transactionsOf = async (prefix: string): Promise<number> => {
  const { rows } = await persister.pool.query<{ n: number }>(
    'SELECT count(DISTINCT xmin::text)::int AS n FROM checkpoints WHERE pid LIKE $1',
    [`${prefix}%`],
  )
  return rows[0]?.n ?? NaN
}

describe('PostgresPersister group commit', () => {
  it('commits saves asked for while a commit is in flight together, each resolved once committed', async () => {
    const bundles = Array.from({ length: 100 }, (_, i) => loopCheckpoint(`together-${i}`, i))
    await Promise.all(bundles.map((bundle) => persister.saveCheckpoint(bundle)))
    // The first save goes alone; the 99 that queued behind it share the next commit.
    expect(await transactionsOf('together-')).toBeLessThanOrEqual(3)
    for (const bundle of bundles) expectSame(await persister.loadCheckpoint(bundle.pid), bundle)
  })

  it('commits a lone save by itself', async () => {
    for (let i = 0; i < 5; i++) await persister.saveCheckpoint(loopCheckpoint(`alone-${i}`, i))
    expect(await transactionsOf('alone-')).toBe(5)
  })

  it('writes the others when one save of a batch fails, and rejects that one only', async () => {
    const good = Array.from({ length: 20 }, (_, i) => loopCheckpoint(`survivor-${i}`, i))
    // PostgreSQL refuses a NUL character in text: this save fails inside the batch.
    const bad = loopCheckpoint('bad\u0000pid', 0)
    const results = await Promise.allSettled(
      [...good.slice(0, 10), bad, ...good.slice(10)].map((b) => persister.saveCheckpoint(b)),
    )
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1)
    expect(results[10]?.status).toBe('rejected')
    for (const bundle of good) expectSame(await persister.loadCheckpoint(bundle.pid), bundle)
  })

  it('fails a save whose statement cannot be built, alone or in a batch, and writes the others', async () => {
    const group = new PostgresGroupCommit(persister.pool)
    const unhandled: unknown[] = []
    const record = (reason: unknown) => void unhandled.push(reason)
    process.on('unhandledRejection', record)
    try {
      const broken = new Error('values that cannot be read')
      // Values whose reading throws: neither the batch's text nor a prepared statement can be built.
      const unreadable = new Proxy([1], {
        get: () => {
          throw broken
        },
      }) as unknown as readonly unknown[]
      const statement = (values: readonly unknown[], lockKey: string) => ({
        label: 'probe',
        text: 'SELECT $1::int AS n',
        values,
        lockKey,
      })
      await expect(group.submit(statement(unreadable, 'a'))).rejects.toBe(broken)
      // A batch: the first statement in flight, the other three queue behind it together.
      const saves = [
        group.submit(statement([1], 'a')),
        group.submit(statement([2], 'b')),
        group.submit(statement(unreadable, 'c')),
        group.submit(statement([4], 'd')),
      ]
      const results = await Promise.allSettled(saves)
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ])
      expect(
        results.flatMap((r) =>
          r.status === 'fulfilled' ? [r.value.result.rows[0]?.n as unknown] : [],
        ),
      ).toEqual([1, 2, 4])
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', record)
      group.close()
    }
  })

  it('writes the deadline row of every save of a batch, whole bodies and patches', async () => {
    const store = new PostgresPersister({
      connectionString: database.url,
      groupCommit: true,
      incremental: { compactEvery: 3 },
    })
    try {
      const pids = Array.from({ length: 40 }, (_, i) => `timer-${i}`)
      const saveAll = (base: number) =>
        Promise.all(pids.map((pid, i) => store.saveCheckpoint(sleeping(pid, base + i))))
      // Each round shares commits (a batch that failed would be run save by save instead).
      await saveAll(1_000) // whole bodies
      expect(await transactionsOf('timer-')).toBeLessThan(pids.length)
      await saveAll(2_000) // patches on them
      expect(await transactionsOf('timer-')).toBeLessThan(pids.length)
      const due = await store.dueProcesses(10_000, 1_000)
      expect(due.filter((row) => row.pid.startsWith('timer-'))).toEqual(
        pids.map((pid, i) => ({ pid, deadline: 2_000 + i })),
      )
    } finally {
      await store.close()
    }
  })

  it('carries on when the server drops the connection of a batch in flight', async () => {
    // A checked-out connection that the server drops emits an error event; unheard, it ends
    // the program. The batch waits on a row lock held here, and its backend is terminated.
    const pids = Array.from({ length: 10 }, (_, i) => `dropped-${i}`)
    await persister.saveCheckpoint(loopCheckpoint('dropped-5', 0))
    const locker = await persister.pool.connect()
    try {
      await locker.query('BEGIN')
      await locker.query("SELECT 1 FROM checkpoints WHERE pid = 'dropped-5' FOR UPDATE")
      const saves = Promise.allSettled(
        pids.map((pid, i) => persister.saveCheckpoint(loopCheckpoint(pid, i + 1))),
      )
      const batchBackend = async (): Promise<number | undefined> => {
        const { rows } = await locker.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE 'BEGIN;%' AND pid <> pg_backend_pid()`,
        )
        return rows[0]?.pid
      }
      let backend: number | undefined
      for (let tries = 0; backend === undefined && tries < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 25))
        backend = await batchBackend()
      }
      expect(backend, 'the batch waiting on the lock').toBeDefined()
      await locker.query('SELECT pg_terminate_backend($1)', [backend])
      await locker.query('ROLLBACK')
      // The batch failed with its connection; its saves then ran one by one on fresh ones.
      const results = await saves
      expect(results.map((result) => result.status)).toEqual(pids.map(() => 'fulfilled'))
    } finally {
      locker.release()
    }
    for (const [i, pid] of pids.entries())
      expectSame(await persister.loadCheckpoint(pid), loopCheckpoint(pid, i + 1))
  })

  it('gives the connection it holds for consecutive saves back to the pool once they stop', async () => {
    const pool = new pg.Pool({ connectionString: database.url })
    const store = new PostgresPersister({ pool, groupCommit: true })
    try {
      await store.ensureSchema()
      let checkouts = 0
      pool.on('acquire', () => (checkouts += 1))
      // One after the other, as a strict process saves: each the next save of the one before.
      for (let i = 0; i < 20; i++) await store.saveCheckpoint(loopCheckpoint('held', i))
      expect(checkouts, 'checkouts for 20 consecutive saves').toBe(1)
      expect(pool.totalCount - pool.idleCount, 'held while saves keep coming').toBe(1)
      await new Promise((resolve) => setImmediate(resolve))
      expect(pool.totalCount - pool.idleCount, 'checked out after the saves stopped').toBe(0)
    } finally {
      // Not closed first: ending a caller's pool must not wait for the store.
      await pool.end()
    }
  })

  it('is what openPersister gives for a PostgreSQL URL, unless asked not to', async () => {
    const saveTwenty = async (store: Persister, prefix: string) => {
      try {
        const bundles = Array.from({ length: 20 }, (_, i) => loopCheckpoint(`${prefix}${i}`, i))
        await Promise.all(bundles.map((bundle) => store.saveCheckpoint(bundle)))
      } finally {
        await (store as PostgresPersister).close()
      }
      return transactionsOf(prefix)
    }
    expect(await saveTwenty(await openPersister(database.url), 'opened-')).toBeLessThan(20)
    const alone = await openPersister(database.url, { groupCommit: false })
    expect(await saveTwenty(alone, 'opened-alone-')).toBe(20)
  })
})
