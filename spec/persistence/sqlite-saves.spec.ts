/**
 * The two ways a SQLite save is written: a narrow overwrite of the body when nothing indexed
 * changes, the full upsert with the deadline index otherwise. Whichever was taken, the listing,
 * the counts and the deadline index must say what the latest save says, also when another
 * connection wrote the same process in between.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import type { ProcessSnapshot } from '../../lib/process/snapshot.js'
import { SqlitePersister, type IncrementalOptions } from '../../lib/persistence/sqlite/index.js'
import { sleeping, waitingOn } from './deadline-index.js'
import { expectSame } from './conformance.js'
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

describe('SqlitePersister saves that change nothing indexed, and those that do', () => {
  let directory: string
  let now: number
  const open: SqlitePersister[] = []
  const store = (incremental?: IncrementalOptions) => {
    const path = join(directory, 'checkpoints.db')
    const clock = () => now
    const persister = new SqlitePersister(
      incremental === undefined ? { path, clock } : { path, clock, incremental },
    )
    open.push(persister)
    return persister
  }
  const row = async (persister: SqlitePersister, pid: string) => {
    const { rows } = await persister.listProcesses({ pid })
    expect(rows).toHaveLength(1)
    return rows[0]
  }
  const due = async (persister: SqlitePersister) =>
    (await persister.dueProcesses(Number.MAX_SAFE_INTEGER, 10)).map((entry) => [
      entry.pid,
      entry.deadline,
    ])

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'plumpy-sqlite-saves-'))
    now = 1_000
  })
  afterEach(async () => {
    for (const persister of open.splice(0)) await persister.close()
    await rm(directory, { recursive: true, force: true })
  })

  it('moves the body, the version and the time of the last save when nothing indexed changes', async () => {
    const persister = store()
    await persister.saveCheckpoint(loopCheckpoint('p', 1))
    now = 2_000
    await persister.saveCheckpoint(loopCheckpoint('p', 2))
    now = 3_000
    await persister.saveCheckpoint(loopCheckpoint('p', 3), 'kept')
    now = 4_000
    await persister.saveCheckpoint(loopCheckpoint('p', 4), 'kept')
    expectSame(await persister.loadCheckpoint('p'), loopCheckpoint('p', 2))
    expectSame(await persister.loadCheckpoint('p', 'kept'), loopCheckpoint('p', 4))
    expect(await row(persister, 'p')).toMatchObject({ state: 'RUNNING', created: 1_000 })
    expect((await row(persister, 'p'))?.modified).toBe(2_000)
    const stored = persister.database
      .prepare(`SELECT tag_key, version, base, saved_at FROM checkpoints ORDER BY tag_key`)
      .all()
    expect(stored).toEqual([
      { tag_key: '', version: 2, base: 2, saved_at: 2_000 },
      { tag_key: '=kept', version: 2, base: 2, saved_at: 4_000 },
    ])
    const latest = await persister.listProcesses({ sort: 'modified', modifiedSince: 2_000 })
    expect(latest.rows.map((entry) => entry.pid)).toEqual(['p'])
  })

  it('updates the listing and the counts when the state, pause or status changes after unchanged saves', async () => {
    const persister = store()
    for (let i = 0; i < 3; i++) await persister.saveCheckpoint(loopCheckpoint('p', i))
    await persister.saveCheckpoint(
      changed(loopCheckpoint('p', 3), { paused: true, status: 'held by operator' }),
    )
    expect(await row(persister, 'p')).toMatchObject({
      state: 'RUNNING',
      paused: true,
      status: 'held by operator',
    })
    expect((await persister.listProcesses({ paused: true })).total).toBe(1)
    await persister.saveCheckpoint(loopCheckpoint('p', 4))
    await persister.saveCheckpoint(loopCheckpoint('p', 5))
    expect(await row(persister, 'p')).toMatchObject({ paused: false, status: undefined })
    // The state changes inside one group commit, after a save that changed nothing.
    await Promise.all([
      persister.saveCheckpoint(loopCheckpoint('p', 6)),
      persister.saveCheckpoint(finishedLoop('p')),
    ])
    expect(await row(persister, 'p')).toMatchObject({ state: 'FINISHED' })
    expect((await persister.listProcesses({ states: ['FINISHED'] })).total).toBe(1)
    expect((await persister.listProcesses({ states: ['RUNNING'] })).total).toBe(0)
    expect(await persister.countByState({})).toMatchObject({ RUNNING: 0, FINISHED: 1 })
  })

  it('sets, keeps, moves and clears the deadline row, the claim kept only while it stays', async () => {
    const persister = store()
    await persister.saveCheckpoint(runningLike('p'))
    await persister.saveCheckpoint(runningLike('p'))
    expect(await due(persister)).toEqual([])
    await persister.saveCheckpoint(sleeping('p', 5_000))
    expect(await due(persister)).toEqual([['p', 5_000]])
    const claim = (claimant: string, at: number) =>
      persister.claimDue({ now: at, limit: 10, claimant, holdMs: 1_000 })
    expect(await claim('a', 5_000)).toEqual([{ pid: 'p', deadline: 5_000 }])
    // Kept: the same wait saved again writes nothing indexed, and the claim holds.
    await persister.saveCheckpoint(sleeping('p', 5_000))
    expect(await claim('b', 5_500)).toEqual([])
    expect(await due(persister)).toEqual([['p', 5_000]])
    // Moved: the listing's columns are the same (WAITING), the deadline is not.
    await persister.saveCheckpoint(sleeping('p', 6_000))
    expect(await due(persister)).toEqual([['p', 6_000]])
    expect(await claim('b', 6_000)).toEqual([{ pid: 'p', deadline: 6_000 }])
    // Cleared while still WAITING (on nothing timed), then kept cleared.
    await persister.saveCheckpoint(waitingOn('p', []))
    expect(await due(persister)).toEqual([])
    await persister.saveCheckpoint(waitingOn('p', []))
    await persister.saveCheckpoint(runningLike('p'))
    expect(await due(persister)).toEqual([])
  })

  it('stays right when another connection wrote the same process in between', async () => {
    const [a, b] = [store(), store()]
    for (let i = 0; i < 2; i++) await a.saveCheckpoint(sleeping('p', 5_000))
    await b.saveCheckpoint(sleeping('p', 7_000))
    await a.saveCheckpoint(sleeping('p', 5_000))
    expect(await due(b)).toEqual([['p', 5_000]])
    await b.saveCheckpoint(waitingOn('p', []))
    await a.saveCheckpoint(sleeping('p', 5_000))
    expect(await due(b)).toEqual([['p', 5_000]])

    for (let i = 0; i < 2; i++) await a.saveCheckpoint(runningLike('p'))
    expect(await due(b)).toEqual([])
    await b.saveCheckpoint(changed(sleeping('p', 8_000), { paused: true, status: 'held' }))
    await a.saveCheckpoint(runningLike('p'))
    expect(await row(b, 'p')).toMatchObject({ state: 'RUNNING', paused: false, status: undefined })
    expect(await due(b)).toEqual([])
    expectSame(await b.loadCheckpoint('p'), runningLike('p'))
  })

  it('writes the listing columns of a patch only when they change, and always when they do', async () => {
    const persister = store({ compactEvery: 50 })
    for (let i = 0; i < 3; i++) await persister.saveCheckpoint(loopCheckpoint('p', i))
    await persister.saveCheckpoint(changed(loopCheckpoint('p', 3), { status: 'three' }))
    expect(await row(persister, 'p')).toMatchObject({ state: 'RUNNING', status: 'three' })
    await persister.saveCheckpoint(finishedLoop('p'))
    expect(await row(persister, 'p')).toMatchObject({ state: 'FINISHED', status: undefined })
    const patches = persister.database.prepare('SELECT count(*) FROM checkpoint_patches')
    expect(patches.pluck().get()).toBe(4)
    expectSame(await persister.loadCheckpoint('p'), finishedLoop('p'))
  })
})
