/**
 * The limits the workloads are bounded by, measured in the same run as them, so that each
 * workload's figure can be read as a fraction of what this machine can do at all (BENCH.md,
 * "Figures that travel"). Each is a rate, the median of at least 5 timed runs after warm-up, from
 * wall-clock and CPU time:
 *
 * - `L-resume`: a bare generator resumed (`next()` on `function* () { for (;;) yield }`);
 * - `L-produce`: one immer `produce` of B1's context (`{ i }`, `i += 1`, auto-freeze on, each
 *   from the one before);
 * - `L-stringify`: `JSON.stringify` of B3a's checkpoint (the loop chain between two steps, as
 *   `encodeCheckpoint` gives it to a persister);
 * - `L-produce+stringify`: both, one after the other (per run: 1 / (1/produce + 1/stringify));
 * - `L-parse`: `JSON.parse` of B4's checkpoint text (the 3-step chain between steps 1 and 2);
 * - `L-sqlite`: a SQLite commit in WAL mode with `synchronous=NORMAL` (SqlitePersister's
 *   pragmas), each an autocommitted upsert of B3a's checkpoint text into a file in a temp dir,
 *   each changing its row (a row written again with the same bytes is a commit that writes nothing);
 * - `L-pg`: a PostgreSQL commit on loopback, each an autocommitted upsert of the same text, one
 *   after the other through `pg`: on `PLUMPY_BENCH_PG_URL` (or the tests' server), otherwise on
 *   a private server with durable commits. It is a job of its own (`--postgres 1`): `bench/run.ts`
 *   reports it "not measured" when no server can be had, or when starting one failed.
 */
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { produce } from 'immer'
import pg from 'pg'
import { Runner, bundle, encodeCheckpoint, silentLogger } from '../lib/index.js'
import { checkpointsAfterFirstStep } from './b4-reload.js'
import { Loop } from './definitions.js'
import {
  check,
  measurement,
  plan,
  runIfMain,
  sample,
  timed,
  type Measurement,
  type Plan,
  type Samples,
  type Timing,
  type WorkloadArgs,
} from './harness.js'
import { startPostgres } from './servers.js'

/** B3a's checkpoint: the 1,000-step loop chain between two of its steps (at i = 500). */
const loopCheckpoint = async (): Promise<unknown> => {
  let taken: unknown
  const runner = new Runner({ logger: silentLogger })
  runner.use({
    stateChanged(process, from, to) {
      if (from === 'RUNNING' && to === 'RUNNING' && (process.ctx as { i: number }).i === 500)
        taken = encodeCheckpoint(bundle(process))
    },
  })
  await Loop.create({ n: 1_000 }, { runner }).execute()
  check(taken !== undefined, 'a checkpoint of the loop chain at i = 500 was taken')
  return taken
}

/** A synchronous loop of `operations` calls of `each`, timed as one run. */
const loop = (operations: number, each: (i: number) => void) => (): Promise<Timing> =>
  timed(async () => {
    for (let i = 0; i < operations; i++) each(i)
  })

const rate = async (runs: Plan, operations: number, each: (i: number) => void): Promise<Samples> =>
  sample(runs, operations, 'per-second', loop(operations, each))

/** Rates of two operations done one after the other: 1 / (1/a + 1/b), run by run. */
const oneAfterOther = (a: Samples, b: Samples): Samples => {
  const both = (x: readonly number[], y: readonly number[]) =>
    x.map((v, i) => 1 / (1 / v + 1 / (y[i] as number)))
  return { wall: both(a.wall, b.wall), cpu: both(a.cpu, b.cpu) }
}

const resumeRate = (runs: Plan, operations: number): Promise<Samples> => {
  const generator = (function* () {
    for (;;) yield
  })()
  return rate(runs, operations, () => generator.next())
}

const produceRate = (runs: Plan, operations: number): Promise<Samples> => {
  let ctx = produce({ i: 0 }, () => {})
  return rate(runs, operations, () => {
    ctx = produce(ctx, (draft) => {
      draft.i += 1
    })
  })
}

/** Commits per second into SQLite (WAL, synchronous=NORMAL), one upsert each. */
const sqliteRate = async (runs: Plan, operations: number, body: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'plumpy-bench-limits-'))
  const database = new Database(join(dir, 'limits.db'))
  try {
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.exec('CREATE TABLE checkpoints (pid TEXT PRIMARY KEY, body TEXT NOT NULL)')
    const upsert = database.prepare(
      'INSERT INTO checkpoints (pid, body) VALUES (?, ?) ' +
        'ON CONFLICT (pid) DO UPDATE SET body = excluded.body',
    )
    // Each commit changes its row: the same bytes written again dirty no page (the WAL grows by
    // nothing), which would make this a commit that writes nothing. Two texts of the checkpoint
    // (the second with a trailing space) alternate on each row's visits.
    const bodies = [body, `${body} `]
    let commits = 0
    const samples = await rate(runs, operations, () => {
      const n = commits++
      upsert.run(`p${n % 100}`, bodies[Math.floor(n / 100) % 2])
    })
    const journal = database.pragma('journal_mode', { simple: true }) as string
    return { samples, journal }
  } finally {
    database.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Commits per second into PostgreSQL on loopback, one autocommitted upsert each, in turn. */
const postgresRate = async (runs: Plan, operations: number, body: string) => {
  const server = startPostgres()
  const client = new pg.Client({ connectionString: server.url })
  try {
    await client.connect()
    const table = `plumpy_bench_limits_${process.pid}`
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (pid TEXT PRIMARY KEY, body JSONB NOT NULL)`,
    )
    const settings = await client.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version')",
    )
    const once = () =>
      timed(async () => {
        for (let i = 0; i < operations; i++)
          await client.query(
            `INSERT INTO ${table} (pid, body) VALUES ($1, $2) ` +
              'ON CONFLICT (pid) DO UPDATE SET body = excluded.body',
            [`p${i % 100}`, body],
          )
      })
    const samples = await sample(runs, operations, 'per-second', once)
    await client.query(`DROP TABLE ${table}`)
    return {
      samples,
      server: {
        origin: server.origin,
        ...Object.fromEntries(settings.rows.map((row) => [row.name, row.setting])),
      },
    }
  } finally {
    await client.end().catch(() => {})
    server.stop()
  }
}

/** Every limit but PostgreSQL's; with `--postgres 1`, PostgreSQL's alone. */
export const main = async (args: WorkloadArgs): Promise<Measurement[]> =>
  args.numbers.get('postgres') === 1 ? postgresLimit(args) : cpuAndSqliteLimits(args)

const cpuAndSqliteLimits = async (args: WorkloadArgs): Promise<Measurement[]> => {
  const small = args.smoke
  const runs = plan(args, { warmup: 3, runs: 9 })
  const describe = (id: string, what: string, unit: string, details: Record<string, unknown>) => ({
    id,
    what,
    unit,
    better: 'higher' as const,
    details,
  })
  const checkpoint = await loopCheckpoint()
  const loopText = JSON.stringify(checkpoint)
  const reloadText = (await checkpointsAfterFirstStep(1))[0] as string

  const resume = await resumeRate(runs, small ? 10_000 : 2_000_000)
  const produced = await produceRate(runs, small ? 1_000 : 100_000)
  const stringified = await rate(runs, small ? 1_000 : 100_000, () => JSON.stringify(checkpoint))
  const parsed = await rate(runs, small ? 1_000 : 100_000, () => JSON.parse(reloadText))
  const sqlite = await sqliteRate(runs, small ? 100 : 5_000, loopText)
  const measured = [
    measurement(
      describe('L-resume', 'bare generator resumes per second', 'resumes/s', {}),
      resume,
      runs.warmup,
    ),
    measurement(
      describe('L-produce', "immer produce per second of B1's context {i}", 'produces/s', {}),
      produced,
      runs.warmup,
    ),
    measurement(
      describe('L-stringify', "JSON.stringify per second of B3a's checkpoint", 'stringifies/s', {
        bytes: Buffer.byteLength(loopText),
      }),
      stringified,
      runs.warmup,
    ),
    measurement(
      describe(
        'L-produce+stringify',
        'one produce then one stringify of the checkpoint, per second',
        'pairs/s',
        { counted: '1 / (1/produce + 1/stringify), run by run' },
      ),
      oneAfterOther(produced, stringified),
      runs.warmup,
    ),
    measurement(
      describe('L-parse', "JSON.parse per second of B4's checkpoint text", 'parses/s', {
        bytes: Buffer.byteLength(reloadText),
      }),
      parsed,
      runs.warmup,
    ),
    measurement(
      describe('L-sqlite', 'SQLite commits per second (WAL, synchronous=NORMAL)', 'commits/s', {
        journal: sqlite.journal,
        synchronous: 'NORMAL',
        counted: "autocommitted upserts of B3a's checkpoint text, in turn, into 100 rows",
      }),
      sqlite.samples,
      runs.warmup,
    ),
  ]
  return measured
}

/** `L-pg` alone: a job of its own, so that a server that cannot be had costs no other limit. */
const postgresLimit = async (args: WorkloadArgs): Promise<Measurement[]> => {
  const runs = plan(args, { warmup: 2, runs: 7 })
  const text = JSON.stringify(await loopCheckpoint())
  const postgres = await postgresRate(runs, args.smoke ? 50 : 300, text)
  // A commit waits for the server and the disk, not for this process: its CPU time says nothing
  // of the rate, so the figure (and the fractions read against it) are wall-clock only.
  const {
    cpuMedian: _median,
    cpuSamples: _samples,
    ...wallOnly
  } = measurement(
    {
      id: 'L-pg',
      what: 'PostgreSQL commits per second on loopback',
      unit: 'commits/s',
      better: 'higher',
      details: {
        ...postgres.server,
        counted: "autocommitted upserts of B3a's checkpoint text (JSONB), in turn, into 100 rows",
      },
    },
    postgres.samples,
    runs.warmup,
  )
  return [wallOnly]
}

runIfMain(import.meta.url, main)
