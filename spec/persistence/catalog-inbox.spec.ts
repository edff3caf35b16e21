/**
 * A listing says what every process keeps in its inbox, whatever its state (a created, running or
 * paused process can keep a resume or signals too), from the listing's own query: the SQL stores
 * keep it in a column beside the others, written by every kind of save, and filled when a store
 * made before that column is opened; the scanning stores read it from the checkpoints they load.
 */
import Database from 'better-sqlite3'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { listLines } from '../../lib/cli/commands/list.js'
import { catalogOf, type ProcessRow } from '../../lib/persistence/catalog/index.js'
import { FilePersister } from '../../lib/persistence/file.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import type { Persister } from '../../lib/persistence/persister.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import type { ReceivedSignal } from '../../lib/process/snapshot.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { created, finished, pausedWithStatus, runningChain, withPid } from './fixtures.js'

const RESUME: ReceivedSignal = { payload: 'yes' }
const APPROVE: ReceivedSignal = { name: 'approve', payload: { by: 'ann' } }

const keeping = (bundle: Bundle, pid: string, inbox: readonly ReceivedSignal[]): Bundle => {
  const base = withPid(bundle, pid)
  return { ...base, snapshot: { ...base.snapshot, inbox } }
}

/** A created, a running and a paused waiting process keeping something; a finished one not. */
const SAVED: readonly Bundle[] = [
  keeping(created, 'k1-created', [RESUME]),
  keeping(runningChain, 'k2-running', [APPROVE]),
  keeping(pausedWithStatus, 'k3-paused', [RESUME, APPROVE]),
  withPid(finished, 'k4-finished'),
]

const inboxes = (rows: readonly ProcessRow[]) =>
  Object.fromEntries(rows.map((row) => [row.pid, row.inbox]))

const FIRST = {
  'k1-created': [{ kind: 'resume' }],
  'k2-running': [{ kind: 'signal', name: 'approve' }],
  'k3-paused': [{ kind: 'resume' }, { kind: 'signal', name: 'approve' }],
  'k4-finished': undefined,
}

/** The created one took its resume; the running one got a second signal. */
const SECOND: readonly Bundle[] = [
  keeping(created, 'k1-created', []),
  keeping(runningChain, 'k2-running', [APPROVE, { name: 'note', payload: 'n' }]),
]

const AFTER = {
  ...FIRST,
  'k1-created': undefined,
  'k2-running': [
    { kind: 'signal', name: 'approve' },
    { kind: 'signal', name: 'note' },
  ],
}

let database: FreshDatabase
let directory: string
beforeAll(async () => {
  database = await freshPgDatabase('catalog_inbox')
  directory = await mkdtemp(join(tmpdir(), 'plumpy-inbox-'))
})
afterAll(async () => {
  await database?.drop()
  await rm(directory, { recursive: true, force: true })
})

const postgres = async (incremental: boolean) => {
  const persister = new PostgresPersister({
    connectionString: database.url,
    ...(incremental ? { incremental: { compactEvery: 50 } } : {}),
  })
  await persister.ensureSchema()
  await persister.pool.query('TRUNCATE checkpoints, checkpoint_patches, process_deadlines')
  return persister
}

let files = 0
const sqlitePath = () => join(directory, `s${++files}.db`)

const STORES: readonly (readonly [string, () => Promise<Persister>])[] = [
  ['SqlitePersister', async () => new SqlitePersister({ path: sqlitePath() })],
  [
    'SqlitePersister, incremental',
    async () => new SqlitePersister({ path: sqlitePath(), incremental: { compactEvery: 50 } }),
  ],
  ['PostgresPersister', () => postgres(false)],
  ['PostgresPersister, incremental', () => postgres(true)],
  ['InMemoryPersister', async () => new InMemoryPersister()],
  [
    'FilePersister, scanned',
    async () => new FilePersister({ directory: join(directory, `f${++files}`), durable: false }),
  ],
]

describe.each(STORES)('a listing of %s', (_name, open) => {
  it('carries every row’s inbox, whatever its state, and follows it as it changes', async () => {
    const store = await open()
    try {
      for (const bundle of SAVED) await store.saveCheckpoint(bundle)
      const catalog = catalogOf(store)
      expect(inboxes((await catalog.listProcesses({})).rows)).toEqual(FIRST)
      for (const bundle of SECOND) await store.saveCheckpoint(bundle)
      const page = await catalog.listProcesses({})
      expect(inboxes(page.rows)).toEqual(AFTER)
      const lines = listLines(
        { page, waits: new Map(), now: 0 },
        { store: '', limit: 100, offset: 0 },
      )
      expect(lines.find((line) => line.startsWith('k2-running'))).toMatch(
        /inbox: signal approve; signal note$/,
      )
      expect(lines.find((line) => line.startsWith('k3-paused'))).toMatch(
        /WAITING {2}paused {2}.*inbox: resume; signal approve$/,
      )
      expect(lines.find((line) => line.startsWith('k1-created'))).not.toMatch(/inbox/)
    } finally {
      await store.close()
    }
  })
})

describe('a store made before the inbox column', () => {
  it('fills it for the processes that have not ended when SQLite opens it', async () => {
    const path = sqlitePath()
    const first = new SqlitePersister({ path })
    for (const bundle of SAVED) await first.saveCheckpoint(bundle)
    await first.close()
    const raw = new Database(path)
    raw.exec('ALTER TABLE checkpoints DROP COLUMN inbox')
    raw.close()
    const reopened = new SqlitePersister({ path })
    try {
      expect(inboxes((await catalogOf(reopened).listProcesses({})).rows)).toEqual(FIRST)
    } finally {
      await reopened.close()
    }
  })

  it('fills it for the processes that have not ended when PostgreSQL ensures its schema', async () => {
    const first = await postgres(false)
    for (const bundle of SAVED) await first.saveCheckpoint(bundle)
    await first.pool.query('ALTER TABLE checkpoints DROP COLUMN inbox')
    await first.close()
    const again = new PostgresPersister({ connectionString: database.url })
    try {
      await again.ensureSchema()
      expect(inboxes((await catalogOf(again).listProcesses({})).rows)).toEqual(FIRST)
    } finally {
      await again.close()
    }
  })
})
