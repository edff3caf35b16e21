/**
 * `plumpy-ts list` prints what every row keeps in its inbox, whatever its state, on the real
 * SQLite and PostgreSQL stores, as text and as JSON.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import type { Persister } from '../../lib/persistence/persister.js'
import { created, pausedWithStatus, runningChain, withPid } from '../persistence/fixtures.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { runCli, scratchDir } from '../worker/harness.js'

const keeping = (bundle: Bundle, pid: string, names: readonly (string | undefined)[]): Bundle => {
  const base = withPid(bundle, pid)
  const inbox = names.map((name) =>
    name === undefined ? { payload: 'yes' } : { name, payload: { by: 'ann' } },
  )
  return { ...base, snapshot: { ...base.snapshot, inbox } }
}

const SAVED = [
  keeping(created, 'created-one', [undefined]),
  keeping(runningChain, 'running-one', ['approve']),
  keeping(pausedWithStatus, 'paused-one', [undefined, 'approve']),
]

describe('plumpy-ts list', () => {
  let db: FreshDatabase
  const dir = scratchDir('list-inbox')
  beforeAll(async () => {
    db = await freshPgDatabase('list_inbox')
  })
  afterAll(async () => {
    await db?.drop()
  })

  const stores: readonly (readonly [string, () => string, (url: string) => Promise<Persister>])[] =
    [
      [
        'SQLite',
        () => `sqlite:${join(dir, 'list.db')}`,
        async (url) => new SqlitePersister({ path: url.slice('sqlite:'.length) }),
      ],
      [
        'PostgreSQL',
        () => db.url,
        async (url) => {
          const store = new PostgresPersister({ connectionString: url })
          await store.ensureSchema()
          return store
        },
      ],
    ]

  it.each(stores)(
    'prints the inbox of created, running and paused rows from a %s store',
    async (_name, urlOf, open) => {
      const url = urlOf()
      const store = await open(url)
      for (const bundle of SAVED) await store.saveCheckpoint(bundle)
      await store.close()
      const text = await runCli(['list', '--store', url])
      expect(text.code).toBe(0)
      expect(text.stdout).toMatch(/^created-one {2}.* {2}CREATED {2}- {2}- {2}- {2}inbox: resume$/m)
      expect(text.stdout).toMatch(/^running-one {2}.* {2}inbox: signal approve$/m)
      expect(text.stdout).toMatch(
        /^paused-one {2}.* {2}WAITING {2}paused {2}paused by operator {2}resume {2}inbox: resume; signal approve$/m,
      )
      const json = await runCli(['list', '--store', url, '--json'])
      const { rows, total } = JSON.parse(json.stdout) as {
        rows: { pid: string }[]
        total: number
      }
      expect(total).toBe(3)
      expect(Object.fromEntries(rows.map((row) => [row.pid, row]))).toMatchObject({
        'created-one': { state: 'CREATED', inbox: [{ kind: 'resume' }] },
        'running-one': { state: 'RUNNING', inbox: [{ kind: 'signal', name: 'approve' }] },
        'paused-one': {
          waits: [expect.objectContaining({ kind: 'resume' })],
          inbox: [{ kind: 'resume' }, { kind: 'signal', name: 'approve' }],
        },
      })
    },
    120_000,
  )
})
