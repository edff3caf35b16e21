/**
 * Ownership: in this program's memory, and as claim rows held by workers' leases in PostgreSQL
 * (shared by programs, surviving lost connections and database restarts, fencing writes).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { defineProcess } from '../../lib/index.js'
import { FencedOutError } from '../../lib/persistence/fence.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { Runner } from '../../lib/runtime/runner.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { LocalClaims, LocalOwnership, type Ownership } from '../../lib/worker/ownership.js'
import { PostgresOwnership } from '../../lib/worker/postgres-ownership.js'
import {
  freshPgDatabase,
  startPrivatePostgres,
  type FreshDatabase,
  type PrivatePostgres,
} from '../support/services.js'
import { waitUntil } from './harness.js'

/** The behaviour both implementations share, on two owners of one set of claims. */
const contend = (open: () => Promise<[Ownership, Ownership]>) => {
  it('lets one owner hold a pid at a time, and says who', async () => {
    const [a, b] = await open()
    try {
      expect(await a.claim('p1')).toBe(true)
      expect(await a.claim('p1')).toBe(true) // idempotent
      expect(await b.claim('p1')).toBe(false)
      expect(await b.isClaimed('p1')).toBe(true)
      expect(await b.ownerOf('p1')).toBe(a.name)
      expect(a.holds('p1')).toBe(true)
      expect(b.holds('p1')).toBe(false)
      expect(await b.isClaimed('p2')).toBe(false)
      expect(await b.ownerOf('p2')).toBeUndefined()
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('frees a pid when its owner releases it (once, however many times it claimed it)', async () => {
    const [a, b] = await open()
    try {
      await a.claim('p1')
      await a.claim('p1')
      await a.release('p1')
      expect(await a.isClaimed('p1')).toBe(false)
      expect(await b.claim('p1')).toBe(true)
      await a.release('p1') // not a's any more: nothing happens
      expect(await a.ownerOf('p1')).toBe(b.name)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('frees every claim of an owner that closes', async () => {
    const [a, b] = await open()
    try {
      await a.claim('p1')
      await a.claim('p2')
      await a.close()
      expect(await b.claim('p1')).toBe(true)
      expect(await b.claim('p2')).toBe(true)
      await expect(a.claim('p3')).rejects.toThrow(/closed/)
    } finally {
      await b.close()
    }
  })
}

describe('LocalOwnership', () => {
  contend(async () => {
    const claims = new LocalClaims()
    return [new LocalOwnership('a', claims), new LocalOwnership('b', claims)]
  })
})

/** An admin connection's query. */
const query = async <R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values?: unknown[],
) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(text, values)).rows
  } finally {
    await client.end()
  }
}

/** Ends the lease session of worker `name` (as a network failure would), keeping the server up. */
const endLeaseSession = (url: string, name: string) =>
  query(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
    `plumpy-ts worker ${name}`,
  ])

/** Starts the claim fixture: a program that claims pids and hangs until killed. */
const claimingProgram = (url: string, name: string, pids: string[], leaseMs = 30_000) => {
  const script = fileURLToPath(new URL('./fixtures/claim.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script, url, name, ...pids], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PLUMPY_TEST_LEASE_MS: String(leaseMs) },
  })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const claimed = waitUntil('the other program to claim', () =>
    out.includes(`claimed ${pids.join(' ')}`),
  )
  return { child, exited, claimed }
}

const kill = async (program: { child: ChildProcess; exited: Promise<unknown> }) => {
  program.child.kill('SIGKILL')
  await program.exited
}

const Noop = defineProcess({ name: 'Noop', steps: { run() {} } })
const bundleOf = (pid: string) =>
  bundle(new Runner({ logger: silentLogger }).create(Noop, {}, { pid }))

describe('PostgresOwnership', () => {
  let db: FreshDatabase
  let store: PostgresPersister
  beforeAll(async () => {
    db = await freshPgDatabase('ownership')
    store = new PostgresPersister({ connectionString: db.url })
  })
  afterAll(async () => {
    await store?.close()
    await db?.drop()
  })
  const connect = (name: string, extra: { onLost?: (pids: readonly string[]) => void } = {}) =>
    PostgresOwnership.connect({ url: db.url, store, name, logger: silentLogger, ...extra })

  contend(async () => [await connect('a'), await connect('b')])

  it('holds one advisory lock per owner, however many processes it claims', async () => {
    const a = await connect('a')
    try {
      const pids = Array.from({ length: 500 }, (_, i) => `many-${i}`)
      expect(await Promise.all(pids.map((pid) => a.claim(pid)))).toEqual(pids.map(() => true))
      const [locks] = await query<{ count: string }>(
        db.url,
        `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
         WHERE l.locktype = 'advisory' AND s.application_name = 'plumpy-ts worker a'`,
      )
      expect(Number(locks?.count)).toBe(1)
      const [rows] = await query<{ count: string }>(
        db.url,
        'SELECT count(*) FROM process_claims WHERE lease = $1',
        [a.leaseId],
      )
      expect(Number(rows?.count)).toBe(500)
    } finally {
      await a.close()
    }
  })

  it('frees the claims of a program that dies, at once', async () => {
    const doomed = claimingProgram(db.url, 'doomed', ['d1', 'd2'])
    const b = await connect('b')
    try {
      await doomed.claimed
      expect(await b.claim('d1')).toBe(false)
      expect(await b.ownerOf('d1')).toBe('doomed')
      await kill(doomed)
      await waitUntil('its claims to go', async () => !(await b.isClaimed('d2')), 5_000)
      expect(await b.claim('d1')).toBe(true)
      expect(await b.claim('d2')).toBe(true)
    } finally {
      await kill(doomed)
      await b.close()
    }
  })

  it('reconnects when its session is ended, and keeps claims nobody took meanwhile', async () => {
    const lost: (readonly string[])[] = []
    const a = await connect('a', { onLost: (pids) => lost.push(pids) })
    const b = await connect('b')
    try {
      expect(await a.claim('k1')).toBe(true)
      await endLeaseSession(db.url, 'a')
      // Claims asked for while it reconnects wait for the connection.
      expect(await a.claim('k2')).toBe(true)
      expect(a.holds('k1')).toBe(true)
      expect(await b.claim('k1')).toBe(false)
      expect(await b.ownerOf('k2')).toBe('a')
      expect(lost).toEqual([])
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('fences the writes of an owner whose tree another took over, and reports the loss', async () => {
    const lost: (readonly string[])[] = []
    const a = await connect('a', { onLost: (pids) => lost.push(pids) })
    const b = await connect('b')
    try {
      expect(await a.claim('root')).toBe(true)
      const write = a.fencedWriter
      await write(bundleOf('root'), 'root', undefined)
      await write(bundleOf('child-of-root'), 'root', undefined)
      // Its session ends (a partition): until it takes its lock again, its lease is dead, and
      // another worker may take the tree over. Its writes are refused from then on.
      await endLeaseSession(db.url, 'a')
      expect(await b.claim('root')).toBe(true)
      await expect(write(bundleOf('root'), 'root', undefined)).rejects.toBeInstanceOf(
        FencedOutError,
      )
      await expect(write(bundleOf('child-of-root'), 'root', undefined)).rejects.toThrow(
        /no longer holds the claim of its tree root/,
      )
      await waitUntil('the loss to be reported', () => lost.length === 1, 10_000)
      expect(lost).toEqual([['root']])
      expect(a.holds('root')).toBe(false)
      await b.fencedWriter(bundleOf('root'), 'root', undefined)
    } finally {
      await a.close()
      await b.close()
    }
  })
})

describe('PostgresOwnership across a database restart', () => {
  let server: PrivatePostgres
  let store: PostgresPersister
  beforeAll(async () => {
    server = await startPrivatePostgres()
    store = new PostgresPersister({ connectionString: server.url })
  }, 120_000)
  afterAll(async () => {
    await store?.close()
    await server?.stop()
  }, 120_000)

  it("keeps a live worker's claims, and frees a dead one's when its lease expires", async () => {
    // Long enough for the restart below on a busy machine, short enough to wait for.
    const leaseMs = 15_000
    const lost: (readonly string[])[] = []
    const a = await PostgresOwnership.connect({
      url: server.url,
      store,
      name: 'a',
      leaseMs,
      logger: silentLogger,
      onLost: (pids) => lost.push(pids),
    })
    const doomed = claimingProgram(server.url, 'doomed', ['z1'], leaseMs)
    try {
      expect(await a.claim('r1')).toBe(true)
      await doomed.claimed
      await server.halt()
      await kill(doomed) // dies while the database is down: nothing can tell the server
      await server.resume()
      const b = await PostgresOwnership.connect({
        url: server.url,
        store,
        name: 'b',
        leaseMs,
        logger: silentLogger,
      })
      try {
        // Right after the restart both leases are alive (their lease time is not over).
        expect(await b.claim('r1')).toBe(false)
        expect(await b.claim('z1')).toBe(false)
        // a comes back and keeps r1; the dead program's lease expires, and z1 is free.
        await waitUntil('a to hold its lock again', async () => {
          const rows = await query(
            server.url,
            `SELECT 1 FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
             WHERE l.locktype = 'advisory' AND s.application_name = 'plumpy-ts worker a'`,
          )
          return rows.length === 1
        })
        await waitUntil('the dead lease to expire', () => b.claim('z1'), 30_000)
        expect(await b.claim('r1')).toBe(false)
        expect(await b.ownerOf('r1')).toBe('a')
        expect(a.holds('r1')).toBe(true)
        expect(lost).toEqual([])
      } finally {
        await b.close()
      }
    } finally {
      await kill(doomed)
      await a.close()
    }
  }, 120_000)
})
