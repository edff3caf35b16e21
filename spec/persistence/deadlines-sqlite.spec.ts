import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { deadlineIndexChecks, sleeping } from './deadline-index.js'

const makeStore = async (incremental: boolean) => {
  const directory = await mkdtemp(join(tmpdir(), 'plumpy-deadlines-'))
  const path = join(directory, 'checkpoints.db')
  const persister = new SqlitePersister(
    incremental ? { path, incremental: { compactEvery: 3 } } : { path },
  )
  return {
    persister,
    cleanup: async () => {
      await persister.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}

deadlineIndexChecks('SqlitePersister', () => makeStore(false))
deadlineIndexChecks('SqlitePersister, incremental', () => makeStore(true))

describe('SqlitePersister claims of due processes', () => {
  let directory: string
  let path: string
  const open: SqlitePersister[] = []
  const store = () => {
    const persister = new SqlitePersister({ path })
    open.push(persister)
    return persister
  }
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'plumpy-deadline-claims-'))
    path = join(directory, 'checkpoints.db')
  })
  afterEach(async () => {
    for (const persister of open.splice(0)) await persister.close()
    await rm(directory, { recursive: true, force: true })
  })
  const claim = (persister: SqlitePersister, claimant: string, now: number) =>
    persister.claimDue({ now, limit: 10, claimant, holdMs: 1_000 })

  it('gives each due process to one of two contenders on two connections', async () => {
    const [a, b] = [store(), store()]
    for (let i = 0; i < 20; i++) await a.saveCheckpoint(sleeping(`p${i}`, 1_000 + i))
    const won = await Promise.all([claim(a, 'a', 5_000), claim(b, 'b', 5_000)])
    const pids = won.flat().map((entry) => entry.pid)
    expect(pids).toHaveLength(10 + 10)
    expect(new Set(pids).size).toBe(pids.length)
    // Each got the earliest of what was left to it, in deadline order.
    for (const list of won)
      expect(list.map((entry) => entry.deadline)).toEqual(
        [...list.map((entry) => entry.deadline)].sort((x, y) => x - y),
      )
    expect(await claim(a, 'a', 5_000)).toEqual([])
  })

  it('claims nothing before its deadline; a claim expires, and ends when the deadline moves', async () => {
    const [a, b] = [store(), store()]
    await a.saveCheckpoint(sleeping('p', 2_000))
    expect(await claim(a, 'a', 1_999)).toEqual([])
    expect(await claim(a, 'a', 2_000)).toEqual([{ pid: 'p', deadline: 2_000 }])
    expect(await claim(b, 'b', 2_999)).toEqual([])
    // The claimant died: after `holdMs` another takes it.
    expect(await claim(b, 'b', 3_000)).toEqual([{ pid: 'p', deadline: 2_000 }])
    // The process's same wait written again keeps the claim; a new wait is free to claim.
    await b.saveCheckpoint(sleeping('p', 2_000))
    expect(await claim(a, 'a', 3_500)).toEqual([])
    await b.saveCheckpoint(sleeping('p', 3_000))
    expect(await claim(a, 'a', 3_500)).toEqual([{ pid: 'p', deadline: 3_000 }])
  })

  it('indexes the waiting processes of a store made before the index when it is opened', async () => {
    const old = store()
    await old.saveCheckpoint(sleeping('early', 1_000))
    await old.saveCheckpoint(sleeping('late', 9_000))
    old.database.exec('DROP TABLE process_deadlines')
    await old.close()
    expect(await store().dueProcesses(10_000, 10)).toEqual([
      { pid: 'early', deadline: 1_000 },
      { pid: 'late', deadline: 9_000 },
    ])
  })
})
