/**
 * What the soak run reads from the database, on the suite's PostgreSQL: the trigger keeps the
 * execution ids of committed checkpoint writes only, from whole bodies and from patches.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  committedRuns,
  prepareCommitHistory,
  relaunchedPastCheckpoint,
  tallyStore,
} from '../../../bench/soak/history.js'
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

  /** Writes the untagged checkpoint of `pid` as a worker does (one upsert). */
  const write = (pid: string, body: Record<string, unknown>, parent?: string) =>
    client.query(
      `INSERT INTO checkpoints (pid, tag, tag_key, body, version, base, state, parent)
       VALUES ($1, NULL, '', $2, 1, 1, $3, $4)
       ON CONFLICT (pid, tag_key) DO UPDATE SET body = excluded.body, state = excluded.state`,
      [pid, JSON.stringify(body), body['state'], parent ?? null],
    )

  it('keeps the execution ids of committed writes, and of none that rolled back', async () => {
    const id = (n: number) => `soakrun-0a0b0c0d-${n}`
    await write('c', { state: 'RUNNING', ctx: { i: 0, runs: [] } })
    // A write that never commits leaves no trace.
    await client.query('BEGIN')
    await write('c', { state: 'WAITING', ctx: { i: 1, runs: [id(1)] } })
    await client.query('ROLLBACK')
    await write('c-child', { state: 'RUNNING', step: 'report', args: [id(2)] }, 'c')
    await write('c', { state: 'FINISHED', ctx: { i: 1, runs: [id(3)] }, outputs: { x: 'soakrun' } })
    // An incremental store's patch row.
    await client.query(
      `INSERT INTO checkpoint_patches (pid, tag_key, version, patch) VALUES ('c', '', 2, $1)`,
      [JSON.stringify([{ op: 'add', path: '/ctx/runs/1', value: id(4) }])],
    )

    expect([...(await committedRuns(client))].sort()).toEqual([id(2), id(3), id(4)])
    const tally = await tallyStore(client)
    expect(Object.fromEntries(tally.byState)).toEqual({ FINISHED: 1, RUNNING: 1 })
    expect(tally).toMatchObject({ liveChildren: 1, pruned: 0, claims: 0 })
    await client.query(`DELETE FROM checkpoints WHERE pid = 'c-child'`)
    expect(await tallyStore(client)).toMatchObject({ liveChildren: 0, pruned: 1 })
  })

  it('finds a round whose child was launched again after a checkpoint waiting on the first', async () => {
    const waiting = (child: string) => ({
      state: 'WAITING',
      awaiting: [{ key: 'work', ref: { _tag: 'Child', pid: child }, append: false, done: false }],
    })
    const child = (pid: string, parent: string, index: number) =>
      write(pid, { state: 'CREATED', inputs: { index } }, parent)
    // Round 0 of `p`: its first child was never named by a committed checkpoint of `p` (the
    // worker died first), so launching another is allowed.
    await child('p-0a', 'p', 0)
    await child('p-0b', 'p', 0)
    await write('p', waiting('p-0b'))
    // Round 1: the first child was named by a committed checkpoint, and yet another came.
    await child('p-1a', 'p', 1)
    await write('p', waiting('p-1a'))
    await child('p-1b', 'p', 1)
    await write('p', waiting('p-1b'))
    // A child waiting on a child of its own names nothing: only roots' checkpoints count.
    await write('p-0b', waiting('p-1a'), 'p')
    expect(await relaunchedPastCheckpoint(client)).toEqual(['p launched 1 again (2 children)'])
  })
})
