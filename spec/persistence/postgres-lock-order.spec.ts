/**
 * Every path that locks several claim rows takes them in pid order: a group-committed batch of
 * fenced saves (which share-locks the claims of its roots until it commits) and the statements
 * that change several claims at once; and claim rows come before deadline rows (a fenced save
 * locks its claim and then writes its deadline row, so claiming due processes locks no deadline
 * row). Each test makes the crossing that would deadlock in the other order: another transaction
 * holds claim `a`, the path under test starts and waits for it (seen in `pg_stat_activity`), and
 * the other transaction then asks for claim `b` (or for `a`'s deadline row). In that order the
 * path holds nothing of what the other asks for while it waits for `a`, so both finish; in any
 * other order PostgreSQL aborts one of them (`deadlock_detected`, 40P01).
 */
import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CLAIM_STATEMENTS } from '../../lib/persistence/postgres/claims.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { expectSame } from './conformance.js'
import { loopCheckpoint } from './fixtures.js'

const PATH_UNDER_TEST = 'plumpy lock order: path'

let database: FreshDatabase
let admin: pg.Client
let other: pg.Client

const client = async (applicationName: string): Promise<pg.Client> => {
  const opened = new pg.Client({
    connectionString: database.url,
    application_name: applicationName,
  })
  await opened.connect()
  return opened
}

/** Resolves once a backend of the path under test waits for a row lock. */
const pathWaitsForALock = async (): Promise<void> => {
  for (let tries = 0; tries < 400; tries++) {
    const { rows } = await admin.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
      [PATH_UNDER_TEST],
    )
    if (rows.length > 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('the path under test never waited for the claim held by the other transaction')
}

/**
 * The crossing: `other` holds claim `a` (as `lock`), `start` begins the path, which waits for it;
 * `other` then asks for claim `b` (or runs `then`) and commits. What `other`'s request came to:
 * 'locked', or the error code it failed with.
 */
const crossing = async (
  lock: 'FOR SHARE' | 'FOR UPDATE',
  start: () => Promise<unknown>,
  then = `SELECT 1 FROM process_claims WHERE pid = 'b' ${lock}`,
): Promise<{ other: string; path: PromiseSettledResult<unknown> }> => {
  await other.query('BEGIN')
  await other.query(`SELECT 1 FROM process_claims WHERE pid = 'a' ${lock}`)
  const path = Promise.allSettled([start()])
  await pathWaitsForALock()
  const asked = await other.query(then).then(
    () => 'locked',
    (error: unknown) => String((error as { code?: unknown }).code ?? error),
  )
  await other.query(asked === 'locked' ? 'COMMIT' : 'ROLLBACK')
  const [settled] = await path
  return { other: asked, path: settled as PromiseSettledResult<unknown> }
}

/** Claim rows, inserted one statement at a time so that `b` comes first in the table. */
const claims = async (...rows: [pid: string, lease: number | null][]) => {
  for (const [pid, lease] of rows)
    await admin.query('INSERT INTO process_claims (pid, lease) VALUES ($1, $2)', [pid, lease])
}

beforeAll(async () => {
  database = await freshPgDatabase('lock_order')
  const persister = new PostgresPersister({ connectionString: database.url })
  await persister.ensureSchema()
  await persister.close()
  admin = await client('plumpy lock order: admin')
  other = await client('plumpy lock order: other')
})
afterAll(async () => {
  await other?.end()
  await admin?.end()
  await database?.drop()
})
beforeEach(async () => {
  await admin.query('TRUNCATE process_claims, checkpoints, process_deadlines')
})

describe('a group-committed batch of fenced saves', () => {
  let persister: PostgresPersister
  let pool: pg.Pool
  beforeEach(async () => {
    pool = new pg.Pool({ connectionString: database.url, application_name: PATH_UNDER_TEST })
    persister = new PostgresPersister({ pool, groupCommit: true })
    await persister.ensureSchema()
  })
  afterEach(async () => {
    await persister.close()
    await pool.end()
  })

  it('share-locks the claims of its roots in pid order, whatever order its saves queued in', async () => {
    await claims(['b', 7], ['a', 7])
    const { other: asked, path } = await crossing('FOR UPDATE', () =>
      Promise.all([
        // Goes alone; the two fenced saves queue behind it, [b, a], and share the next commit.
        persister.saveCheckpoint(loopCheckpoint('x', 0)),
        persister.saveFencedCheckpoint(loopCheckpoint('b', 1), { lease: 7, root: 'b' }),
        persister.saveFencedCheckpoint(loopCheckpoint('a', 1), { lease: 7, root: 'a' }),
      ]),
    )
    expect(asked).toBe('locked')
    expect(path.status).toBe('fulfilled')
    // Written by one transaction: the batch was not aborted and then retried save by save.
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS n FROM checkpoints WHERE pid IN ('a', 'b')`,
    )
    expect(rows[0]?.n).toBe(1)
  })

  it('keeps the queue order of the saves of one process', async () => {
    await claims(['a', 7], ['b', 7])
    const fence = { lease: 7, root: 'b' }
    await Promise.all([
      persister.saveCheckpoint(loopCheckpoint('x', 0)),
      ...[1, 2, 3].map((i) => persister.saveFencedCheckpoint(loopCheckpoint('b', i), fence)),
      persister.saveFencedCheckpoint(loopCheckpoint('a', 1), { lease: 7, root: 'a' }),
      persister.saveFencedCheckpoint(loopCheckpoint('b', 4), fence),
    ])
    expectSame(await persister.loadCheckpoint('b'), loopCheckpoint('b', 4))
  })
})

describe('a statement that changes several claims', () => {
  let path: pg.Client
  beforeEach(async () => {
    path = await client(PATH_UNDER_TEST)
  })
  afterEach(async () => {
    await path.end()
  })
  const pidsOf = (result: PromiseSettledResult<unknown>) =>
    result.status === 'fulfilled'
      ? (result.value as pg.QueryResult<{ pid: string }>).rows.map((row) => row.pid).sort()
      : result.reason

  it('hands a lease’s claims back in pid order', async () => {
    await claims(['b', 8], ['a', 8])
    const { other: asked, path: handedBack } = await crossing('FOR SHARE', () =>
      path.query(CLAIM_STATEMENTS.handBack, [8]),
    )
    expect(asked).toBe('locked')
    expect(handedBack.status).toBe('fulfilled')
    const { rows } = await admin.query('SELECT pid FROM process_claims WHERE lease IS NULL')
    expect(rows).toHaveLength(2)
  })

  it('takes claims over in pid order, whatever order they were asked for in', async () => {
    await claims(['b', 9], ['a', 9]) // lease 9 is not alive: both can be taken
    const { other: asked, path: claimed } = await crossing('FOR SHARE', () =>
      path.query(CLAIM_STATEMENTS.claim, [['b', 'a'], 10]),
    )
    expect(asked).toBe('locked')
    expect(pidsOf(claimed)).toEqual(['a', 'b'])
  })

  it('releases claims in pid order', async () => {
    await claims(['b', 11], ['a', 11])
    const { other: asked, path: released } = await crossing('FOR SHARE', () =>
      path.query(CLAIM_STATEMENTS.release, [11, ['b', 'a']]),
    )
    expect(asked).toBe('locked')
    expect(released.status).toBe('fulfilled')
    expect((await admin.query('SELECT pid FROM process_claims')).rows).toEqual([])
  })

  it('claims a due process without locking its deadline row before its claim', async () => {
    await claims(['a', 12]) // lease 12 is not alive: the due process can be taken
    await admin.query(`INSERT INTO process_deadlines (pid, deadline) VALUES ('a', 100)`)
    // `other` is a fenced save of `a`: its claim share-locked, it goes on to index its deadline.
    const indexDeadline = `
      INSERT INTO process_deadlines (pid, deadline) VALUES ('a', 200)
      ON CONFLICT (pid) DO UPDATE SET deadline = excluded.deadline`
    const { other: asked, path: claimed } = await crossing(
      'FOR SHARE',
      () => path.query(CLAIM_STATEMENTS.claimDue, [1_000, 10, 13]),
      indexDeadline,
    )
    expect(asked).toBe('locked')
    expect(claimed.status).toBe('fulfilled')
    const result = (claimed as PromiseFulfilledResult<pg.QueryResult<{ pids: string[] }>>).value
    expect(result.rows[0]?.pids).toEqual(['a'])
    const { rows } = await admin.query('SELECT pid, lease FROM process_claims')
    expect(rows).toEqual([{ pid: 'a', lease: 13 }])
  })

  it('drops the claims of settled processes in pid order', async () => {
    await claims(['b', null], ['a', null]) // handed back, and no checkpoint: nothing to continue
    const { other: asked, path: dropped } = await crossing('FOR SHARE', () =>
      path.query(CLAIM_STATEMENTS.dropSettled),
    )
    expect(asked).toBe('locked')
    expect(dropped.status).toBe('fulfilled')
    expect((await admin.query('SELECT pid FROM process_claims')).rows).toEqual([])
  })
})
