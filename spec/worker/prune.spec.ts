/**
 * Prune: orphan children (not terminal, their parent ended or gone, awaited by nothing) are
 * deleted by `plumpy-ts prune`, and by workers after a grace period; never run. A child whose
 * tree a live worker holds, or whose parent is still going, is kept.
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { CheckpointError } from '../../lib/checkpoint/errors.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import type { Persister } from '../../lib/persistence/persister.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { PostgresOwnership } from '../../lib/worker/postgres-ownership.js'
import { Work } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  readExecutions,
  removeTopology,
  runCli,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

/** Stores a Work process as `pid`: CREATED, or FINISHED once run; a child of `parent` if given. */
const store = async (
  persister: Persister,
  pid: string,
  options: { parent?: string; finished?: boolean } = {},
) => {
  const runner = new Runner({ logger: silentLogger })
  const process = runner.create(
    Work,
    { pipeline: pid, index: 0 },
    { pid, ...(options.parent === undefined ? {} : { parentPid: options.parent }) },
  )
  if (options.finished === true) await process.execute()
  await persister.saveCheckpoint(bundle(process))
}

const isStored = async (persister: Persister, pid: string): Promise<boolean> =>
  persister.loadCheckpoint(pid).then(
    () => true,
    (error: unknown) => {
      if (error instanceof CheckpointError && error.problem === 'not-found') return false
      throw error
    },
  )

describe('plumpy-ts prune', () => {
  let db: FreshDatabase
  let persister: PostgresPersister
  beforeAll(async () => {
    db = await freshPgDatabase('prune')
    persister = new PostgresPersister({ connectionString: db.url })
  })
  afterAll(async () => {
    await persister?.close()
    await db?.drop()
  })

  it('deletes orphans only, and keeps the children of trees a live worker holds', async () => {
    await store(persister, 'ended', { finished: true })
    await store(persister, 'orphan-of-ended', { parent: 'ended' })
    await store(persister, 'orphan-of-gone', { parent: 'gone' })
    await store(persister, 'grandchild', { parent: 'orphan-of-gone' })
    await store(persister, 'going')
    await store(persister, 'child-of-going', { parent: 'going' })
    await store(persister, 'finished-child', { parent: 'ended', finished: true })
    await store(persister, 'held', { finished: true })
    await store(persister, 'child-of-held', { parent: 'held' })
    const worker = await PostgresOwnership.connect({
      url: db.url,
      store: persister,
      name: 'w',
      logger: silentLogger,
    })
    try {
      expect(await worker.claim('held')).toBe(true)
      const dry = await runCli(['prune', '--store', db.url, '--dry-run'])
      expect(dry.stderr).toBe('')
      expect(dry.code).toBe(0)
      expect(dry.stdout).toMatch(/^orphan-of-ended would be pruned: its parent ended \(ended\)/m)
      expect(dry.stdout).toMatch(/^orphan-of-gone would be pruned: its parent is not in the store/m)
      expect(dry.stdout).toMatch(/^child-of-held kept: its tree held runs on worker w$/m)
      expect(dry.stdout).toMatch(/^2 to prune, 1 kept/m)
      expect(await isStored(persister, 'orphan-of-ended')).toBe(true)

      const done = await runCli(['prune', '--store', db.url])
      expect(done.code).toBe(0)
      // The grandchild's parent went with the first pass: it is an orphan of the second.
      expect(done.stdout).toMatch(/^3 pruned, 1 kept/m)
      for (const pid of ['orphan-of-ended', 'orphan-of-gone', 'grandchild'])
        expect(await isStored(persister, pid), pid).toBe(false)
      for (const pid of ['ended', 'going', 'child-of-going', 'finished-child', 'child-of-held'])
        expect(await isStored(persister, pid), pid).toBe(true)
    } finally {
      await worker.close()
    }
  }, 60_000)

  it('refuses a store whose claims only its worker sees, unless forced', async () => {
    const dir = mkdtempSync(join(scratchDir('prune-sqlite'), 'db-'))
    const path = join(dir, 'store.db')
    const sqlite = new SqlitePersister({ path })
    await store(sqlite, 'p', { finished: true })
    await store(sqlite, 'c', { parent: 'p' })
    await sqlite.close()
    const refused = await runCli(['prune', '--store', `sqlite:${path}`])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/only a PostgreSQL store shares that/)
    const forced = await runCli(['prune', '--store', `sqlite:${path}`, '--force'])
    expect(forced.code).toBe(0)
    expect(forced.stdout).toMatch(/^1 pruned, 0 kept/m)
  }, 60_000)
})

describe('a worker pruning orphans', () => {
  let db: FreshDatabase
  let persister: PostgresPersister
  const prefix = freshPrefix('prune')
  const dir = scratchDir('prune')
  const record = `${dir}/executions.log`
  beforeAll(async () => {
    db = await freshPgDatabase('worker_prune')
    persister = new PostgresPersister({ connectionString: db.url })
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await persister?.close()
    await db?.drop()
  })

  it('deletes them once older than its grace period, and never runs them', async () => {
    const worker = await startWorker({
      name: 'w',
      broker: amqpUrl(),
      store: db.url,
      prefix,
      dir,
      env: { PLUMPY_SCALING_RECORD: record },
      recoverEveryMs: 300,
      pruneAfterMs: 2_000,
    })
    const stored = Date.now()
    await store(persister, 'ended', { finished: true })
    await store(persister, 'orphan', { parent: 'ended' })
    await waitUntil('the orphan to be pruned', async () => !(await isStored(persister, 'orphan')))
    expect(Date.now() - stored).toBeGreaterThanOrEqual(2_000)
    await worker.waitForLog(/pruned 1 orphans \(children nothing awaits\)/)
    expect(await isStored(persister, 'ended')).toBe(true)
    expect(readExecutions(record)).toEqual([])
    worker.signal('SIGTERM')
    expect((await worker.exited).code).toBe(0)
  }, 60_000)
})
