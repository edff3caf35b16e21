/**
 * The two ways a PostgreSQL save is written (one statement either way): a narrow overwrite of
 * the body when nothing indexed changes, the full upsert with the deadline index otherwise.
 * Whichever was taken, the listing, the counts and the deadline index must say what the latest
 * save says, with group commit and without, also when another connection wrote the same
 * process in between, or while the save waited for its row.
 */
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import type { ProcessSnapshot } from '../../lib/process/snapshot.js'
import {
  PostgresPersister,
  type PostgresPersisterOptions,
} from '../../lib/persistence/postgres/index.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { expectSame } from './conformance.js'
import { sleeping, waitingOn } from './deadline-index.js'
import { loopCheckpoint } from './fixtures.js'

/** `bundle` with its snapshot changed by `change` (state, paused, status…). */
const changed = (bundle: Bundle, change: Partial<ProcessSnapshot>): Bundle => ({
  ...bundle,
  snapshot: { ...bundle.snapshot, ...change },
})

const finishedLoop = (pid: string): Bundle =>
  changed(loopCheckpoint(pid, 9), {
    state: { _tag: 'FINISHED', result: 9, successful: true, exitStatus: 0, exitMessage: undefined },
    closed: true,
  })

/** `pid` running, of the definition that `sleeping` and `waitingOn` wait in. */
const runningLike = (pid: string): Bundle =>
  changed(sleeping(pid, 0), {
    state: { _tag: 'RUNNING', position: { _tag: 'Outline', cursor: [1] }, resumed: false },
  })

const WAITER = 'plumpy saves: waiter'

let database: FreshDatabase
let admin: pg.Client
beforeAll(async () => {
  database = await freshPgDatabase('pg_saves')
  admin = new pg.Client({ connectionString: database.url })
  await admin.connect()
})
afterAll(async () => {
  await admin?.end()
  await database?.drop()
})

describe.each([false, true])('PostgresPersister saves (groupCommit: %s)', (groupCommit) => {
  const open: { persister: PostgresPersister; pool: pg.Pool }[] = []
  /** A store on a pool of its own (another connection than any other store's). */
  const store = async (
    options: Pick<PostgresPersisterOptions, 'incremental'> & { name?: string; max?: number } = {},
  ) => {
    const pool = new pg.Pool({
      connectionString: database.url,
      application_name: options.name ?? 'plumpy saves',
      max: options.max ?? 10,
    })
    const persister = new PostgresPersister({
      pool,
      groupCommit,
      ...(options.incremental === undefined ? {} : { incremental: options.incremental }),
    })
    await persister.ensureSchema()
    open.push({ persister, pool })
    return persister
  }
  const row = async (persister: PostgresPersister, pid: string) => {
    const { rows } = await persister.listProcesses({ pid })
    expect(rows).toHaveLength(1)
    return rows[0]
  }
  const due = async (persister: PostgresPersister) =>
    (await persister.dueProcesses(Number.MAX_SAFE_INTEGER, 10)).map((entry) => [
      entry.pid,
      entry.deadline,
    ])
  /** The id of the transaction that last wrote the deadline row of `pid`. */
  const deadlineWriter = async (pid: string) =>
    (await admin.query('SELECT xmin::text FROM process_deadlines WHERE pid = $1', [pid])).rows[0]
  let n = 0
  /** A pid of its own for each test (the stores share one database). */
  const fresh = () => `${groupCommit ? 'grouped' : 'alone'}-${(n += 1)}`

  afterEach(async () => {
    for (const { persister, pool } of open.splice(0)) {
      await persister.close()
      await pool.end()
    }
  })

  it('moves the body, the version and the time of the last save when nothing indexed changes', async () => {
    const persister = await store()
    const p = fresh()
    await persister.saveCheckpoint(loopCheckpoint(p, 1))
    const created = (await row(persister, p))?.created
    for (const i of [2, 3]) await persister.saveCheckpoint(loopCheckpoint(p, i))
    for (const i of [4, 5]) await persister.saveCheckpoint(loopCheckpoint(p, i), 'kept')
    expectSame(await persister.loadCheckpoint(p), loopCheckpoint(p, 3))
    expectSame(await persister.loadCheckpoint(p, 'kept'), loopCheckpoint(p, 5))
    const listed = await row(persister, p)
    expect(listed).toMatchObject({ state: 'RUNNING', created })
    expect(listed?.modified).toBeGreaterThan(created ?? Infinity)
    const { rows } = await admin.query(
      `SELECT tag_key, version::int, base::int, saved_at > created_at AS moved
       FROM checkpoints WHERE pid = $1 ORDER BY tag_key`,
      [p],
    )
    expect(rows).toEqual([
      { tag_key: '', version: 3, base: 3, moved: true },
      { tag_key: '=kept', version: 2, base: 2, moved: true },
    ])
  })

  it('updates the body alone of a row it wrote last, and the whole row once another store wrote it', async () => {
    // One connection: what it has prepared is what this store's saves ran.
    const persister = await store({ max: 1 })
    const other = await store()
    const p = fresh()
    const prepared = async () =>
      (
        await persister.pool.query<{ name: string }>(
          `SELECT name FROM pg_prepared_statements WHERE name LIKE 'plumpy_save%' ORDER BY name`,
        )
      ).rows.map(({ name }) => name.replace(/_[0-9a-f]{16}$/, ''))
    for (const i of [1, 2, 3]) await persister.saveCheckpoint(loopCheckpoint(p, i))
    expect(await prepared()).toEqual(['plumpy_saveBody', 'plumpy_saveWhole'])
    expectSame(await persister.loadCheckpoint(p), loopCheckpoint(p, 3))
    // Another store moves the row (same listing columns, another body), then pauses it.
    await other.saveCheckpoint(loopCheckpoint(p, 7))
    await persister.saveCheckpoint(loopCheckpoint(p, 4))
    expectSame(await other.loadCheckpoint(p), loopCheckpoint(p, 4))
    await other.saveCheckpoint(changed(loopCheckpoint(p, 8), { paused: true, status: 'held' }))
    await persister.saveCheckpoint(loopCheckpoint(p, 5))
    expect(await row(other, p)).toMatchObject({ paused: false, status: undefined })
    expectSame(await other.loadCheckpoint(p), loopCheckpoint(p, 5))
    // Deleted and written again by the other store up to the version this one last wrote.
    const { rows } = await admin.query(
      `SELECT version::int FROM checkpoints WHERE pid = $1 AND tag_key = ''`,
      [p],
    )
    const version = (rows[0] as { version: number }).version
    await persister.deleteProcessCheckpoints(p)
    for (let i = 0; i < version; i++) await other.saveCheckpoint(sleeping(p, 5_000 + i))
    await persister.saveCheckpoint(loopCheckpoint(p, 6))
    expect(await row(other, p)).toMatchObject({ state: 'RUNNING' })
    expect((await due(other)).filter(([pid]) => pid === p)).toEqual([])
    expectSame(await other.loadCheckpoint(p), loopCheckpoint(p, 6))
  })

  it('updates the listing and the counts when the state, pause or status changes after unchanged saves', async () => {
    const persister = await store()
    const p = fresh()
    for (let i = 0; i < 3; i++) await persister.saveCheckpoint(loopCheckpoint(p, i))
    await persister.saveCheckpoint(
      changed(loopCheckpoint(p, 3), { paused: true, status: 'held by operator' }),
    )
    expect(await row(persister, p)).toMatchObject({
      state: 'RUNNING',
      paused: true,
      status: 'held by operator',
    })
    expect((await persister.listProcesses({ paused: true, pid: p })).total).toBe(1)
    await persister.saveCheckpoint(loopCheckpoint(p, 4))
    await persister.saveCheckpoint(loopCheckpoint(p, 5))
    expect(await row(persister, p)).toMatchObject({ paused: false, status: undefined })
    // With group commit, the last two share one transaction (the first save goes alone): the
    // state changes in it, after a save that changed nothing.
    await Promise.all([
      persister.saveCheckpoint(loopCheckpoint(fresh(), 0)),
      persister.saveCheckpoint(loopCheckpoint(p, 6)),
      persister.saveCheckpoint(finishedLoop(p)),
    ])
    expect(await row(persister, p)).toMatchObject({ state: 'FINISHED' })
    expect((await persister.listProcesses({ states: ['FINISHED'], pid: p })).total).toBe(1)
    expect((await persister.listProcesses({ states: ['RUNNING'], pid: p })).total).toBe(0)
    expectSame(await persister.loadCheckpoint(p), finishedLoop(p))
  })

  it('sets, keeps (unwritten), moves and clears the deadline row', async () => {
    const persister = await store()
    const p = fresh()
    const mine = async () => (await due(persister)).filter(([pid]) => pid === p)
    await persister.saveCheckpoint(runningLike(p))
    await persister.saveCheckpoint(runningLike(p))
    expect(await mine()).toEqual([])
    await persister.saveCheckpoint(sleeping(p, 5_000))
    expect(await mine()).toEqual([[p, 5_000]])
    const writer = await deadlineWriter(p)
    // Kept: the same wait saved again writes nothing indexed.
    await persister.saveCheckpoint(sleeping(p, 5_000))
    expect(await mine()).toEqual([[p, 5_000]])
    expect(await deadlineWriter(p)).toEqual(writer)
    // Moved: the listing's columns are the same (WAITING), the deadline is not.
    await persister.saveCheckpoint(sleeping(p, 6_000))
    expect(await mine()).toEqual([[p, 6_000]])
    // Cleared while still WAITING (on nothing timed), then kept cleared.
    await persister.saveCheckpoint(waitingOn(p, []))
    expect(await mine()).toEqual([])
    await persister.saveCheckpoint(waitingOn(p, []))
    await persister.saveCheckpoint(runningLike(p))
    expect(await mine()).toEqual([])
    expectSame(await persister.loadCheckpoint(p), runningLike(p))
  })

  it('stays right when another connection wrote the same process in between', async () => {
    const [a, b] = [await store(), await store()]
    const p = fresh()
    const mine = async () => (await due(b)).filter(([pid]) => pid === p)
    for (let i = 0; i < 2; i++) await a.saveCheckpoint(sleeping(p, 5_000))
    await b.saveCheckpoint(sleeping(p, 7_000))
    await a.saveCheckpoint(sleeping(p, 5_000))
    expect(await mine()).toEqual([[p, 5_000]])
    await b.saveCheckpoint(waitingOn(p, []))
    await a.saveCheckpoint(sleeping(p, 5_000))
    expect(await mine()).toEqual([[p, 5_000]])

    for (let i = 0; i < 2; i++) await a.saveCheckpoint(runningLike(p))
    expect(await mine()).toEqual([])
    await b.saveCheckpoint(changed(sleeping(p, 8_000), { paused: true, status: 'held' }))
    await a.saveCheckpoint(runningLike(p))
    expect(await row(b, p)).toMatchObject({ state: 'RUNNING', paused: false, status: undefined })
    expect(await mine()).toEqual([])
    expectSame(await b.loadCheckpoint(p), runningLike(p))
  })

  it('stays right when another connection writes the process while the save waits for its row', async () => {
    const a = await store({ name: WAITER })
    const p = fresh()
    for (let i = 0; i < 2; i++) await a.saveCheckpoint(sleeping(p, 5_000))
    // Another writer moves the deadline (as a save does: on the row and in the index), in a
    // transaction still open when the save starts: the save's snapshot shows the row as the save
    // would leave it, and the row's lock is taken when the other writer has committed.
    const other = new pg.Client({ connectionString: database.url })
    await other.connect()
    try {
      await other.query('BEGIN')
      await other.query(
        `UPDATE checkpoints SET version = version + 1, base = version + 1, deadline = 7000
         WHERE pid = $1 AND tag_key = ''`,
        [p],
      )
      await other.query('UPDATE process_deadlines SET deadline = 7000 WHERE pid = $1', [p])
      const saved = a.saveCheckpoint(sleeping(p, 5_000))
      let waiting = false
      for (let tries = 0; !waiting && tries < 400; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 10))
        const { rows } = await admin.query(
          `SELECT 1 FROM pg_stat_activity
           WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [WAITER],
        )
        waiting = rows.length > 0
      }
      expect(waiting, 'the save waiting for the row the other writer holds').toBe(true)
      await other.query('COMMIT')
      await saved
    } finally {
      await other.end()
    }
    expect((await due(a)).filter(([pid]) => pid === p)).toEqual([[p, 5_000]])
  })

  it('writes the listing columns and the deadline row of a patch, and keeps the row when unchanged', async () => {
    const persister = await store({ incremental: { compactEvery: 50 } })
    const p = fresh()
    for (let i = 0; i < 3; i++) await persister.saveCheckpoint(loopCheckpoint(p, i))
    await persister.saveCheckpoint(changed(loopCheckpoint(p, 3), { status: 'three' }))
    expect(await row(persister, p)).toMatchObject({ state: 'RUNNING', status: 'three' })
    await persister.saveCheckpoint(finishedLoop(p))
    expect(await row(persister, p)).toMatchObject({ state: 'FINISHED', status: undefined })
    const patches = await admin.query(
      'SELECT count(*)::int AS n FROM checkpoint_patches WHERE pid = $1',
      [p],
    )
    expect(patches.rows[0]?.n).toBe(4)
    expectSame(await persister.loadCheckpoint(p), finishedLoop(p))

    const q = fresh()
    await persister.saveCheckpoint(sleeping(q, 5_000))
    const writer = await deadlineWriter(q)
    await persister.saveCheckpoint(sleeping(q, 5_000)) // a patch
    expect(await deadlineWriter(q)).toEqual(writer)
    await persister.saveCheckpoint(sleeping(q, 6_000))
    expect((await due(persister)).filter(([pid]) => pid === q)).toEqual([[q, 6_000]])
  })

  it('drops the patches of an incremental store when a plain store writes the process whole', async () => {
    // A plain save reads nothing back: dropping the patches is its statement's own result.
    const [incremental, plain] = [await store({ incremental: { compactEvery: 50 } }), await store()]
    const patchCount = async (pid: string) =>
      (await admin.query('SELECT count(*)::int AS n FROM checkpoint_patches WHERE pid = $1', [pid]))
        .rows[0]?.n
    const p = fresh()
    for (let i = 0; i < 3; i++) await incremental.saveCheckpoint(loopCheckpoint(p, i))
    expect(await patchCount(p)).toBe(2)
    await plain.saveCheckpoint(loopCheckpoint(p, 3))
    expect(await patchCount(p)).toBe(0)
    expectSame(await incremental.loadCheckpoint(p), loopCheckpoint(p, 3))
    await plain.saveCheckpoint(sleeping(p, 5_000))
    expect(await row(plain, p)).toMatchObject({ state: 'WAITING' })
    expect((await due(plain)).filter(([pid]) => pid === p)).toEqual([[p, 5_000]])
    expectSame(await incremental.loadCheckpoint(p), sleeping(p, 5_000))
  })
})
