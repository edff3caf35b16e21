/**
 * The suite every store with listings (and history) passes: the same queries give the same
 * pages on the in-memory store, SQLite, PostgreSQL, and the file store read by scanning.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import {
  catalogOf,
  hasHistory,
  type HistoryEntry,
  type HistoryOptions,
  type ProcessCatalog,
} from '../../lib/persistence/catalog/index.js'
import type { Persister } from '../../lib/persistence/persister.js'
import { created, excepted, finished, pausedWithStatus, runningChain, withPid } from './fixtures.js'

/** A fresh, empty store. */
export interface CatalogStoreUnderTest {
  readonly persister: Persister
  readonly cleanup: () => Promise<void>
}

/** Makes a store, with these history options where it keeps history. */
export type MakeCatalogStore = (history?: HistoryOptions) => Promise<CatalogStoreUnderTest>

const as = (
  bundle: Bundle,
  pid: string,
  name: string,
  more: { version?: number; parent?: string; status?: string } = {},
): Bundle => {
  const base = withPid(bundle, pid)
  return {
    ...base,
    definition: { ...base.definition, name, version: more.version ?? 1 },
    parentPid: more.parent,
    snapshot: more.status === undefined ? base.snapshot : { ...base.snapshot, status: more.status },
  }
}

/** Six processes (pids in the order they are saved) and a tagged checkpoint that is not one. */
const PROCESSES: readonly Bundle[] = [
  as(finished, 'p01', 'Adder'),
  as(runningChain, 'p02', 'Pipeline', { status: 'busy round 2' }),
  as(created, 'p03', 'Work', { parent: 'p02' }),
  as(finished, 'p04', 'Work', { parent: 'p02' }),
  as(pausedWithStatus, 'p05', 'Pipeline', { version: 2 }),
  as(excepted, 'p06', 'Flaky'),
]

const pids = (rows: readonly { readonly pid: string }[]) => rows.map((row) => row.pid)

const entry = (pid: string, at: number, more: Partial<HistoryEntry> = {}): HistoryEntry => ({
  pid,
  at,
  kind: 'transition',
  from: 'RUNNING',
  to: 'RUNNING',
  step: 'tick',
  durationMs: 5,
  status: undefined,
  ...more,
})

/** Declare the suite for one store. */
export const catalogConformance = (name: string, make: MakeCatalogStore): void => {
  describe(`${name} (listings)`, () => {
    let store: CatalogStoreUnderTest
    let catalog: ProcessCatalog
    let before: number
    beforeEach(async () => {
      store = await make()
      catalog = catalogOf(store.persister)
      before = Date.now()
      for (const bundle of PROCESSES) await store.persister.saveCheckpoint(bundle)
      await store.persister.saveCheckpoint(PROCESSES[1] as Bundle, 'snapshot')
    })
    afterEach(async () => {
      await store.cleanup()
    })

    it('lists every process once (tagged checkpoints are not processes), oldest first', async () => {
      const page = await catalog.listProcesses({})
      expect(page.total).toBe(6)
      expect(pids(page.rows)).toEqual(['p01', 'p02', 'p03', 'p04', 'p05', 'p06'])
      const [, pipeline, work, , paused] = page.rows
      expect(pipeline).toMatchObject({
        definition: 'Pipeline',
        version: 1,
        state: 'RUNNING',
        paused: false,
        status: 'busy round 2',
        parent: undefined,
      })
      expect(work).toMatchObject({ definition: 'Work', state: 'CREATED', parent: 'p02' })
      expect(paused).toMatchObject({ state: 'WAITING', paused: true, version: 2 })
      for (const row of page.rows) {
        // The file store keeps no times; the others know when they saved.
        if (row.created === undefined) continue
        expect(row.created).toBeGreaterThanOrEqual(before - 1_000)
        expect(row.created).toBeLessThanOrEqual(Date.now() + 1_000)
        expect(row.modified).toBeGreaterThanOrEqual(row.created - 1)
      }
    })

    it('filters by state, definition, version, roots, parent, paused, text and time', async () => {
      const list = async (query: Parameters<ProcessCatalog['listProcesses']>[0]) =>
        pids((await catalog.listProcesses(query)).rows)
      expect(await list({ pid: 'p03' })).toEqual(['p03'])
      expect(await list({ pid: 'p0' })).toEqual([])
      expect(await list({ states: ['FINISHED'] })).toEqual(['p01', 'p04'])
      expect(await list({ states: ['RUNNING', 'WAITING'] })).toEqual(['p02', 'p05'])
      expect(await list({ states: [] })).toEqual([])
      expect(await list({ definition: 'Pipeline' })).toEqual(['p02', 'p05'])
      expect(await list({ definition: 'Pipeline@2' })).toEqual(['p05'])
      expect(await list({ definition: 'Nothing' })).toEqual([])
      expect(await list({ rootsOnly: true })).toEqual(['p01', 'p02', 'p05', 'p06'])
      expect(await list({ parent: 'p02' })).toEqual(['p03', 'p04'])
      expect(await list({ paused: true })).toEqual(['p05'])
      expect(await list({ paused: false, rootsOnly: true })).toEqual(['p01', 'p02', 'p06'])
      expect(await list({ search: 'p0' })).toHaveLength(6)
      expect(await list({ search: '03' })).toEqual(['p03'])
      expect(await list({ search: 'round' })).toEqual(['p02'])
      expect(await list({ search: '%' })).toEqual([])
      expect(await list({ definition: 'Work', states: ['FINISHED'] })).toEqual(['p04'])
      const first = (await catalog.listProcesses({})).rows[0]
      if (first?.created !== undefined) {
        expect(await list({ createdSince: Date.now() + 60_000 })).toEqual([])
        expect(await list({ createdSince: before - 60_000 })).toHaveLength(6)
        expect(await list({ modifiedSince: before - 60_000, rootsOnly: true })).toHaveLength(4)
      }
    })

    it('pages and sorts, newest first on request, with the total of the filter', async () => {
      const page = await catalog.listProcesses({ order: 'desc', limit: 2, offset: 1 })
      expect(pids(page.rows)).toEqual(['p05', 'p04'])
      expect(page.total).toBe(6)
      const roots = await catalog.listProcesses({ rootsOnly: true, limit: 3, offset: 3 })
      expect(pids(roots.rows)).toEqual(['p06'])
      expect(roots.total).toBe(4)
      expect((await catalog.listProcesses({ limit: 0 })).rows).toEqual([])
    })

    it('sorts by the last save when asked', async () => {
      if ((await catalog.listProcesses({ limit: 1 })).rows[0]?.modified === undefined) return
      await new Promise((resolve) => setTimeout(resolve, 20))
      await store.persister.saveCheckpoint(PROCESSES[0] as Bundle)
      const page = await catalog.listProcesses({ sort: 'modified', order: 'desc', limit: 1 })
      expect(pids(page.rows)).toEqual(['p01'])
    })

    it('counts the processes of each state that match the rest of a filter', async () => {
      expect(await catalog.countByState({})).toEqual({
        CREATED: 1,
        RUNNING: 1,
        WAITING: 1,
        FINISHED: 2,
        EXCEPTED: 1,
        KILLED: 0,
      })
      expect(await catalog.countByState({ rootsOnly: true, states: ['KILLED'] })).toMatchObject({
        CREATED: 0,
        FINISHED: 1,
        EXCEPTED: 1,
      })
    })

    it('refuses a query no store could answer, naming the field', async () => {
      await expect(catalog.listProcesses({ limit: -1 })).rejects.toThrow(/query\.limit: -1/)
      await expect(catalog.listProcesses({ offset: 1.5 })).rejects.toThrow(/query\.offset/)
      await expect(catalog.listProcesses({ states: ['ASLEEP' as 'RUNNING'] })).rejects.toThrow(
        /filter\.states: 'ASLEEP' is not one of CREATED/,
      )
      await expect(catalog.countByState({ createdSince: Number.NaN })).rejects.toThrow(
        /filter\.createdSince/,
      )
    })
  })
}

/** Declare the history suite for one store. */
export const historyConformance = (name: string, make: MakeCatalogStore): void => {
  describe(`${name} (history)`, () => {
    const opened: CatalogStoreUnderTest[] = []
    const open = async (history?: HistoryOptions) => {
      const store = await make(history)
      opened.push(store)
      if (!hasHistory(store.persister)) throw new Error(`${name} keeps no history`)
      return store.persister
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.cleanup()
    })

    it('appends entries and reads each process back in order, from a point on', async () => {
      const history = await open()
      const now = Date.now()
      await history.appendHistory([
        entry('a', now, { kind: 'transition', from: null, to: 'CREATED', step: undefined }),
        entry('b', now + 1, { durationMs: undefined, status: 'b is busy' }),
        entry('a', now + 2, { from: 'CREATED', to: 'RUNNING', step: undefined }),
      ])
      await history.appendHistory([entry('a', now + 3, { kind: 'paused', status: 'held' })])
      const a = await history.readHistory('a')
      expect(a.map((e) => [e.from, e.to, e.kind, e.at])).toEqual([
        [null, 'CREATED', 'transition', now],
        ['CREATED', 'RUNNING', 'transition', now + 2],
        ['RUNNING', 'RUNNING', 'paused', now + 3],
      ])
      expect(a[2]).toMatchObject({ pid: 'a', step: 'tick', durationMs: 5, status: 'held' })
      expect(a[0]?.step).toBeUndefined()
      const seqs = a.map((e) => e.seq)
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs)
      expect(await history.readHistory('b')).toMatchObject([
        { pid: 'b', durationMs: undefined, status: 'b is busy' },
      ])
      const after = await history.readHistory('a', { afterSeq: seqs[0] as number })
      expect(after.map((e) => e.seq)).toEqual(seqs.slice(1))
      expect(await history.readHistory('a', { limit: 1 })).toHaveLength(1)
      expect(await history.readHistory('nobody')).toEqual([])
    })

    it('reads the newest entries of a long history, oldest first', async () => {
      const history = await open()
      const now = Date.now()
      await history.appendHistory(
        Array.from({ length: 7 }, (_, i) => entry('long', now + i, { status: `step ${i}` })),
      )
      const newest = await history.readHistory('long', { limit: 3, newest: true })
      expect(newest.map((e) => e.status)).toEqual(['step 4', 'step 5', 'step 6'])
      const oldest = await history.readHistory('long', { limit: 3 })
      expect(oldest.map((e) => e.status)).toEqual(['step 0', 'step 1', 'step 2'])
      expect(await history.readHistory('long', { limit: 10, newest: true })).toHaveLength(7)
    })

    it('keeps the newest entries of each process it appends to, as many as the retention says', async () => {
      const history = await open({ retention: { maxPerProcess: 3 } })
      const now = Date.now()
      for (let i = 0; i < 5; i++) await history.appendHistory([entry('x', now + i)])
      await history.appendHistory([1, 2, 3, 4, 5].map((i) => entry('y', now + i)))
      await history.appendHistory([entry('z', now)])
      expect((await history.readHistory('x')).map((e) => e.at)).toEqual(
        [2, 3, 4].map((i) => now + i),
      )
      expect((await history.readHistory('y')).map((e) => e.at)).toEqual(
        [3, 4, 5].map((i) => now + i),
      )
      expect(await history.readHistory('z')).toHaveLength(1)
    })

    it('drops entries older than the retention age', async () => {
      const history = await open({ retention: { maxAgeMs: 60_000 }, ageSweepEveryMs: 3_600_000 })
      const now = Date.now()
      await history.appendHistory([
        entry('old', now - 120_000),
        entry('old', now - 1_000),
        entry('new', now),
      ])
      expect(await history.applyHistoryRetention()).toBe(1)
      expect((await history.readHistory('old')).map((e) => e.at)).toEqual([now - 1_000])
      expect(await history.readHistory('new')).toHaveLength(1)
      expect(await history.applyHistoryRetention()).toBe(0)
    })

    it('refuses a retention it could not apply, naming the setting', async () => {
      await expect(make({ retention: { maxPerProcess: 0 } })).rejects.toThrow(
        /history\.retention\.maxPerProcess: 0 is not a positive integer/,
      )
      await expect(make({ retention: { maxAgeMs: -5 } })).rejects.toThrow(
        /history\.retention\.maxAgeMs: -5/,
      )
    })
  })
}
