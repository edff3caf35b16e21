/** Ownership: in this program's memory, and as PostgreSQL advisory locks shared by programs. */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalClaims, LocalOwnership, type Ownership } from '../../lib/worker/ownership.js'
import { lockKeyOf, PostgresOwnership } from '../../lib/worker/postgres-ownership.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
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

describe('PostgresOwnership', () => {
  let db: FreshDatabase
  beforeAll(async () => {
    db = await freshPgDatabase('ownership')
  })
  afterAll(async () => {
    await db?.drop()
  })

  contend(async () => [
    await PostgresOwnership.connect({ url: db.url, name: 'a' }),
    await PostgresOwnership.connect({ url: db.url, name: 'b' }),
  ])

  it('keys a pid by 64 bits, as pg_locks shows them', () => {
    const key = lockKeyOf('some-pid')
    expect(lockKeyOf('some-pid')).toEqual(key)
    const whole = BigInt.asUintN(64, BigInt(key.key))
    expect(Number(whole >> 32n)).toBe(key.high)
    expect(Number(whole & 0xffffffffn)).toBe(key.low)
    expect(lockKeyOf('other-pid').key).not.toBe(key.key)
  })

  it('frees the claims of a program that dies, at once', async () => {
    const script = fileURLToPath(new URL('./fixtures/claim.ts', import.meta.url))
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, db.url, 'doomed', 'p1', 'p2'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    const exited = new Promise((resolve) => child.once('exit', resolve))
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const b = await PostgresOwnership.connect({ url: db.url, name: 'b' })
    try {
      await waitUntil('the other program to claim', () => out.includes('claimed p1 p2'))
      expect(await b.claim('p1')).toBe(false)
      expect(await b.ownerOf('p1')).toBe('doomed')
      child.kill('SIGKILL')
      await exited
      await waitUntil('its claims to go', async () => !(await b.isClaimed('p2')), 5_000)
      expect(await b.claim('p1')).toBe(true)
      expect(await b.claim('p2')).toBe(true)
    } finally {
      child.kill('SIGKILL')
      await b.close()
    }
  })

  it('reports a connection ended by the server as lost claims, and refuses to claim', async () => {
    const lost: Error[] = []
    const a = await PostgresOwnership.connect({
      url: db.url,
      name: 'a',
      onLost: (e) => lost.push(e),
    })
    const b = await PostgresOwnership.connect({ url: db.url, name: 'b' })
    const admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
    try {
      await a.claim('p1')
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'plumpy-ts worker a'",
      )
      await waitUntil('the loss to be noticed', () => lost.length === 1, 5_000)
      expect(a.holds('p1')).toBe(false)
      await expect(a.claim('p2')).rejects.toThrow(/lost/)
      expect(await b.claim('p1')).toBe(true)
    } finally {
      await admin.end()
      await a.close()
      await b.close()
    }
  })
})
