import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import type { IncrementalOptions } from '../../lib/persistence/incremental.js'
import { expectSame, persisterConformance, type PersisterUnderTest } from './conformance.js'
import { created, loopCheckpoint } from './fixtures.js'

const makeStore = async (incremental?: IncrementalOptions): Promise<PersisterUnderTest> => {
  const directory = await mkdtemp(join(tmpdir(), 'plumpy-sqlite-'))
  const path = join(directory, 'checkpoints.db')
  const options = incremental === undefined ? { path } : { path, incremental }
  const persister = new SqlitePersister(options)
  const others: SqlitePersister[] = []
  const db = persister.database
  return {
    persister,
    cleanup: async () => {
      for (const other of others) await other.close()
      await persister.close()
      await rm(directory, { recursive: true, force: true })
    },
    corrupt: async (pid, tag, body = 'garbage{') => {
      db.prepare(`UPDATE checkpoints SET body = ? WHERE pid = ? AND tag IS ?`).run(
        body,
        pid,
        tag ?? null,
      )
    },
    corruptLatestPatch: async (pid, tag) => {
      db.prepare(
        `UPDATE checkpoint_patches SET patch = '[[["at",{}]]]'
         WHERE pid = ? AND tag_key = ? AND version = (SELECT version FROM checkpoints c
           WHERE c.pid = checkpoint_patches.pid AND c.tag_key = checkpoint_patches.tag_key)`,
      ).run(pid, tag === undefined ? '' : `=${tag}`)
    },
    another: async () => {
      const other = new SqlitePersister(options)
      others.push(other)
      return other
    },
  }
}

persisterConformance('SqlitePersister', () => makeStore())
persisterConformance('SqlitePersister, incremental', () => makeStore({ compactEvery: 5 }), {
  compactEvery: 5,
})

describe('SqlitePersister', () => {
  let directory: string
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'plumpy-sqlite-'))
  })
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('opens the file in WAL mode with synchronous=NORMAL', async () => {
    const persister = new SqlitePersister({ path: join(directory, 'a.db') })
    expect(persister.database.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(persister.database.pragma('synchronous', { simple: true })).toBe(1)
    await persister.close()
    await persister.close()
  })

  it('keeps checkpoints across a reopen, and leaves a given connection open', async () => {
    const path = join(directory, 'b.db')
    const first = new SqlitePersister({ path })
    await first.saveCheckpoint(created, 'x')
    await first.close()
    const second = new SqlitePersister({ path })
    const borrowed = new SqlitePersister({ database: second.database })
    expectSame(await borrowed.loadCheckpoint(created.pid, 'x'), created)
    await borrowed.close()
    expect(second.database.open).toBe(true)
    await second.close()
  })

  it('stores patches between whole bodies, and drops them at each compaction', async () => {
    const persister = new SqlitePersister({
      path: join(directory, 'c.db'),
      incremental: { compactEvery: 4 },
    })
    const count = () =>
      persister.database.prepare('SELECT count(*) FROM checkpoint_patches').pluck().get() as number
    const seen: number[] = []
    for (let i = 0; i < 9; i++) {
      await persister.saveCheckpoint(loopCheckpoint('p', i))
      seen.push(count())
    }
    expect(seen).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0])
    expectSame(await persister.loadCheckpoint('p'), loopCheckpoint('p', 8))
    await persister.saveCheckpoint(loopCheckpoint('p', 9))
    await persister.deleteCheckpoint('p')
    expect(count()).toBe(0)
    await persister.close()
  })

  it('commits saves asked for together in one transaction, and one bad save fails alone', async () => {
    const persister = new SqlitePersister({ path: join(directory, 'd.db') })
    const db = persister.database
    db.exec(`CREATE TRIGGER poison BEFORE INSERT ON checkpoints WHEN NEW.pid = 'poison'
             BEGIN SELECT RAISE(ABORT, 'poisoned'); END`)
    const bundles = Array.from({ length: 500 }, (_, i) => loopCheckpoint(`batch-${i}`, i))
    await Promise.all(bundles.map((bundle) => persister.saveCheckpoint(bundle)))
    expect(await persister.getCheckpoints()).toHaveLength(500)
    const results = await Promise.allSettled(
      ['a', 'poison', 'b'].map((pid) => persister.saveCheckpoint(loopCheckpoint(pid, 1))),
    )
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/poisoned/)
    expectSame(await persister.loadCheckpoint('b'), loopCheckpoint('b', 1))
    await persister.close()
  })

  it('lets a reader see every save asked for before it, awaited or not', async () => {
    const persister = new SqlitePersister({ path: join(directory, 'e.db') })
    void persister.saveCheckpoint(loopCheckpoint('eager', 1))
    expectSame(await persister.loadCheckpoint('eager'), loopCheckpoint('eager', 1))
    void persister.saveCheckpoint(loopCheckpoint('eager', 2))
    await persister.deleteCheckpoint('eager')
    expect(await persister.getCheckpoints()).toEqual([])
    const last = persister.saveCheckpoint(loopCheckpoint('eager', 3))
    await persister.close()
    await last
    const reopened = new SqlitePersister({ path: join(directory, 'e.db') })
    expectSame(await reopened.loadCheckpoint('eager'), loopCheckpoint('eager', 3))
    await reopened.close()
  })
})
