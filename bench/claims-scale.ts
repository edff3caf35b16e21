/**
 * Claims at scale (not part of `npm run bench`): one worker's ownership claims N process trees
 * (default 100,000), another looks them up, and the first releases them, on a fresh database of
 * the given server. Prints the rates, the advisory locks held (one, the lease, whatever N), and
 * what one advisory lock per process would have needed from the server's lock table.
 *
 *   npx tsx bench/claims-scale.ts postgres://postgres@127.0.0.1:5432/postgres [N]
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { PostgresPersister } from '../lib/persistence/postgres/index.js'
import { silentLogger } from '../lib/runtime/environment.js'
import { PostgresOwnership } from '../lib/worker/postgres-ownership.js'

const [serverUrl, size] = process.argv.slice(2)
if (serverUrl === undefined) {
  console.error('usage: npx tsx bench/claims-scale.ts <postgres url> [N]')
  process.exit(2)
}
const N = Number(size ?? 100_000)

const admin = async <R extends pg.QueryResultRow>(url: string, text: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(text)).rows
  } finally {
    await client.end()
  }
}

const name = `claims_scale_${randomBytes(4).toString('hex')}`
await admin(serverUrl, `CREATE DATABASE ${name}`)
const url = new URL(serverUrl)
url.pathname = `/${name}`
const dbUrl = url.toString()

/** Seconds taken by `work`, and its rate for `count` items. */
const timed = async (count: number, work: () => Promise<unknown>) => {
  const start = performance.now()
  await work()
  const seconds = (performance.now() - start) / 1000
  return `${seconds.toFixed(2)} s (${Math.round(count / seconds).toLocaleString('en')}/s)`
}

const store = new PostgresPersister({ connectionString: dbUrl })
try {
  const first = await PostgresOwnership.connect({
    url: dbUrl,
    store,
    name: 'a',
    logger: silentLogger,
  })
  const other = await PostgresOwnership.connect({
    url: dbUrl,
    store,
    name: 'b',
    logger: silentLogger,
  })
  const pids = Array.from({ length: N }, (_, i) => `tree-${i}`)
  console.log(
    `claim ${N.toLocaleString('en')} trees (batched):`,
    await timed(N, async () => {
      const claimed = await Promise.all(pids.map((pid) => first.claim(pid)))
      if (!claimed.every(Boolean)) throw new Error('a claim was refused')
    }),
  )
  const [locks] = await admin<{ count: string }>(
    dbUrl,
    `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  )
  console.log(`advisory locks held in the database: ${locks?.count} (one lease per worker)`)
  const sample = pids.filter((_, i) => i % 100 === 0)
  console.log(
    `another worker's claims of ${sample.length} held trees (all refused):`,
    await timed(sample.length, async () => {
      const got = await Promise.all(sample.map((pid) => other.claim(pid)))
      if (got.some(Boolean)) throw new Error('a held claim was taken')
    }),
  )
  console.log(
    `ownerOf, ${sample.length} lookups one after another:`,
    await timed(sample.length, async () => {
      for (const pid of sample) if ((await other.ownerOf(pid)) !== 'a') throw new Error(pid)
    }),
  )
  console.log(
    `a recovery round's look for unheld trees among ${N.toLocaleString('en')}:`,
    await timed(1, () => other.unheld(100)),
  )
  console.log(
    `release ${N.toLocaleString('en')} trees (batched):`,
    await timed(N, () => Promise.all(pids.map((pid) => first.release(pid)))),
  )
  const [rows] = await admin<{ count: string }>(dbUrl, 'SELECT count(*) FROM process_claims')
  console.log(`claim rows left: ${rows?.count}`)
  const [settings] = await admin<{ locks: string; connections: string; prepared: string }>(
    dbUrl,
    `SELECT current_setting('max_locks_per_transaction') AS locks,
            current_setting('max_connections') AS connections,
            current_setting('max_prepared_transactions') AS prepared`,
  )
  const table =
    Number(settings?.locks) * (Number(settings?.connections) + Number(settings?.prepared))
  console.log(
    `one advisory lock per process would need ${N.toLocaleString('en')} entries of the ` +
      `server's shared lock table, sized for ${table.toLocaleString('en')} ` +
      `(max_locks_per_transaction ${settings?.locks} x (max_connections ${settings?.connections}` +
      ` + max_prepared_transactions ${settings?.prepared}))`,
  )
  await other.close()
  await first.close()
} finally {
  await store.close()
  await admin(serverUrl, `DROP DATABASE ${name} WITH (FORCE)`)
}
