/**
 * The soak run's commit history, on the suite's PostgreSQL: the trigger records committed
 * checkpoint writes only, and `firstCommitPast` finds when each step's effect first committed.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { firstCommitPast, prepareCommitHistory, tallyStore } from '../../../bench/soak/history.js'
import { freshPgDatabase, type FreshDatabase } from '../../support/services.js'

describe('the soak commit history', () => {
  let db: FreshDatabase
  let client: pg.Client

  beforeAll(async () => {
    db = await freshPgDatabase('soak_history')
    await prepareCommitHistory(db.url)
    client = new pg.Client({ connectionString: db.url })
    await client.connect()
  })
  afterAll(async () => {
    await client?.end()
    await db?.drop()
  })

  /** Writes the untagged checkpoint of `pid` as a worker would (one upsert); resolves to its time. */
  const write = async (pid: string, body: Record<string, unknown>, parent?: string) => {
    await client.query(
      `INSERT INTO checkpoints (pid, tag, tag_key, body, version, base, state, parent)
       VALUES ($1, NULL, '', $2, 1, 1, $3, $4)
       ON CONFLICT (pid, tag_key) DO UPDATE SET body = excluded.body, state = excluded.state`,
      [pid, JSON.stringify(body), body['state'], parent ?? null],
    )
    const { rows } = await client.query<{ at: string }>(
      `SELECT extract(epoch FROM at) * 1000 AS at FROM soak_commits ORDER BY seq DESC LIMIT 1`,
    )
    return Number(rows[0]?.at)
  }

  it('finds the first committed checkpoint past each step, and ignores rolled-back writes', async () => {
    await write('p', { state: 'RUNNING', ctx: { i: 0, total: 0 } })
    // A write that never commits leaves no trace.
    await client.query('BEGIN')
    await write('p', { state: 'WAITING', ctx: { i: 3, total: 5 } })
    await client.query('ROLLBACK')
    const child = await write(
      'p-child',
      { state: 'FINISHED', inputs: { pipeline: 'p', index: 0 } },
      'p',
    )
    const one = await write('p', { state: 'WAITING', ctx: { i: 1, total: 0 } })
    await write('p', { state: 'RUNNING', ctx: { i: 1, total: 0 } })
    // Rounds 2 is never seen on its own: round 3 is past both of the steps before it.
    const three = await write('p', { state: 'WAITING', ctx: { i: 3, total: 5 } })
    await write('p', { state: 'FINISHED', ctx: { i: 3, total: 5 } })

    const past = await firstCommitPast(client)
    expect(past.get('p work 0')).toBeCloseTo(child, 3)
    expect(past.get('p collect 0')).toBeCloseTo(one, 3)
    expect(past.get('p collect 1')).toBeCloseTo(three, 3)
    expect(past.get('p collect 2')).toBeCloseTo(three, 3)
    expect(past.has('p collect 3')).toBe(false)
    expect(past.has('p work 1')).toBe(false)

    const tally = await tallyStore(client)
    expect(tally.commits).toBe(6)
    expect(Object.fromEntries(tally.byState)).toEqual({ FINISHED: 2 })
    expect(tally).toMatchObject({ liveChildren: 0, pruned: 0, claims: 0, endedTwice: [] })
  })
})
