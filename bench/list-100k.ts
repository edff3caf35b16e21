/**
 * `npm run bench:list`: fills a SQLite and a PostgreSQL store with 100,000 processes (10% of
 * them children, states and definitions mixed, 1% paused) and times the queries `plumpy-ts list`
 * makes: the newest page, and a page under each filter, with its total (median of 5 runs each).
 *
 *   npm run bench:list                         both stores (PostgreSQL from PLUMPY_BENCH_PG_URL
 *                                              or PLUMPY_TEST_PG_URL; skipped without one)
 *   npm run bench:list -- --count 10000        another size
 *
 * A measurement, never a test: it prints figures and checks nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Bundle } from '../lib/checkpoint/bundle.js'
import { catalogOf, type ProcessQuery } from '../lib/persistence/catalog/index.js'
import type { Persister } from '../lib/persistence/persister.js'
import { PostgresPersister } from '../lib/persistence/postgres/index.js'
import { SqlitePersister } from '../lib/persistence/sqlite/index.js'
import {
  excepted,
  finished,
  killed,
  pausedWithStatus,
  runningChain,
  withPid,
} from '../spec/persistence/fixtures.js'

const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(name)
  return at === -1 ? undefined : process.argv[at + 1]
}
const COUNT = Number(argument('--count') ?? 100_000)

/** Real checkpoints of each state (those the persistence tests use), varied by index. */
const KINDS: readonly Bundle[] = [
  finished,
  finished,
  finished,
  finished,
  finished,
  finished,
  pausedWithStatus,
  excepted,
  killed,
  runningChain,
]

const bundleOf = (i: number): Bundle => {
  const kind = KINDS[i % 10] as Bundle
  const pid = `p${String(i).padStart(7, '0')}`
  const base = withPid(kind, pid)
  return {
    ...base,
    definition: { ...base.definition, name: `Def${i % 7}` },
    parentPid: i % 10 === 9 ? `p${String(i - 1).padStart(7, '0')}` : undefined,
    snapshot: {
      ...base.snapshot,
      // 1% paused (a tenth of the waiting ones).
      paused: kind === pausedWithStatus && i % 100 === 6,
      status: i % 3 === 0 ? `round ${i % 50}` : base.snapshot.status,
    },
  }
}

const QUERIES: readonly [string, ProcessQuery][] = [
  ['newest 100 (list)', { order: 'desc', limit: 100 }],
  ['--state waiting', { order: 'desc', limit: 100, states: ['WAITING'] }],
  ['--definition Def3', { order: 'desc', limit: 100, definition: 'Def3' }],
  ['--roots', { order: 'desc', limit: 100, rootsOnly: true }],
  ['--paused', { order: 'desc', limit: 100, paused: true }],
  [
    '--state excepted --roots',
    { order: 'desc', limit: 100, states: ['EXCEPTED'], rootsOnly: true },
  ],
  ['--offset 50000', { order: 'desc', limit: 100, offset: 50_000 }],
  ['--since 1h', { order: 'desc', limit: 100, createdSince: Date.now() - 3_600_000 }],
]

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

const measure = async (name: string, persister: Persister): Promise<void> => {
  let started = performance.now()
  const batch = 500
  for (let i = 0; i < COUNT; i += batch) {
    const saves: Promise<void>[] = []
    for (let j = i; j < Math.min(COUNT, i + batch); j++)
      saves.push(persister.saveCheckpoint(bundleOf(j)))
    await Promise.all(saves)
  }
  console.log(
    `${name}: ${COUNT} processes stored in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
  const catalog = catalogOf(persister)
  for (const [label, query] of QUERIES) {
    const times: number[] = []
    let total = 0
    for (let run = 0; run < 5; run++) {
      started = performance.now()
      total = (await catalog.listProcesses(query)).total
      times.push(performance.now() - started)
    }
    console.log(
      `  ${label.padEnd(28)} ${median(times).toFixed(1).padStart(7)} ms  (total ${total})`,
    )
  }
  const times: number[] = []
  for (let run = 0; run < 5; run++) {
    started = performance.now()
    await catalog.countByState({})
    times.push(performance.now() - started)
  }
  console.log(`  ${'counts by state'.padEnd(28)} ${median(times).toFixed(1).padStart(7)} ms`)
}

const directory = await mkdtemp(join(tmpdir(), 'plumpy-bench-list-'))
try {
  const sqlite = new SqlitePersister({ path: join(directory, 'list.db') })
  await measure('SQLite', sqlite)
  await sqlite.close()
} finally {
  await rm(directory, { recursive: true, force: true })
}
const pgUrl = process.env['PLUMPY_BENCH_PG_URL'] || process.env['PLUMPY_TEST_PG_URL']
if (pgUrl === undefined || pgUrl === '') console.log('PostgreSQL: skipped (no PLUMPY_BENCH_PG_URL)')
else {
  const postgres = new PostgresPersister({ connectionString: pgUrl })
  await postgres.ensureSchema()
  await postgres.pool.query(
    "DELETE FROM checkpoints WHERE pid LIKE 'p_______' AND pid ~ '^p[0-9]{7}$'",
  )
  await measure('PostgreSQL', postgres)
  await postgres.pool.query("DELETE FROM checkpoints WHERE pid ~ '^p[0-9]{7}$'")
  await postgres.close()
}
