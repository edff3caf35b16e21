/**
 * B3d: durable steps per second into PostgreSQL in strict mode (each step's checkpoint committed
 * before the next starts), for one loop chain and for 100 concurrent ones (whose waiting
 * checkpoints share commits), beside the loopback commit rate measured in the same run on the
 * same server: one connection, sequential autocommitted upserts of a checkpoint-sized row.
 * Reports both rates and their ratio (the goals: ≥ 0.9× for one chain, ≥ 5× for 100).
 *
 * The server is the environment's (`PLUMPY_BENCH_PG_URL`), or a private one with fsync on (see `servers.ts`).
 */
import pg from 'pg'
import { Runner, silentLogger } from '../lib/index.js'
import { PostgresPersister } from '../lib/persistence/postgres/index.js'
import { Loop } from './definitions.js'
import {
  check,
  measurement,
  plan,
  runIfMain,
  sample,
  timed,
  untimed,
  type Samples,
  type WorkloadArgs,
} from './harness.js'
import { startPostgres } from './servers.js'

/** Sequential autocommitted upserts of one row, the size of a loop chain's checkpoint. */
export const loopbackCommits = async (pool: pg.Pool, commits: number) => {
  await pool.query('CREATE TABLE IF NOT EXISTS bench_loopback (k TEXT PRIMARY KEY, v TEXT)')
  const body = 'x'.repeat(160)
  const client = await pool.connect()
  try {
    return await timed(async () => {
      for (let i = 0; i < commits; i++)
        await client.query({
          name: 'bench_loopback',
          text: 'INSERT INTO bench_loopback VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v',
          values: ['k', body + i],
        })
    })
  } finally {
    client.release()
  }
}

/** `chains` loop chains of `steps` steps each, strict, into `persister`; all run to the end. */
export const strictChains = async (persister: PostgresPersister, chains: number, steps: number) => {
  const runner = new Runner({
    persister,
    checkpoints: 'every-transition',
    durability: 'strict',
    logger: silentLogger,
  })
  let finished = 0
  const timing = await timed(() =>
    Promise.all(
      Array.from({ length: chains }, async () => {
        const process = Loop.create({ n: steps }, { runner })
        await process.execute()
        if ((process.ctx as { i: number }).i === steps) finished += 1
      }),
    ),
  )
  check(finished === chains, `${chains} chains of ${steps} steps finished, got ${finished}`)
  return timing
}

const ratio = (rates: Samples, loopback: readonly number[]) =>
  rates.wall.map((rate, i) => rate / (loopback[i] ?? NaN))

export const main = async (args: WorkloadArgs) => {
  const database = startPostgres()
  const pool = new pg.Pool({ connectionString: database.url, max: 20 })
  const persister = new PostgresPersister({ pool, groupCommit: true })
  try {
    await persister.ensureSchema()
    const runs = plan(args, { warmup: 1, runs: 5 })
    const commits = args.smoke ? 50 : 1_000
    const oneSteps = args.smoke ? 20 : 1_000
    const manySteps = args.smoke ? 5 : 100
    // Each sample of a rate is taken right after a sample of the loopback rate, so that the ratio
    // of each pair compares the two under the same load.
    const loopback: number[] = []
    const paired = (chains: number, steps: number) =>
      sample(runs, chains * steps, 'per-second', async () => {
        const line = await loopbackCommits(pool, commits)
        loopback.push(commits / (line.ms / 1000))
        return strictChains(persister, chains, steps)
      })
    const one = await paired(1, oneSteps)
    const oneLoopback = loopback.splice(0).slice(runs.warmup)
    const many = await paired(100, manySteps)
    const manyLoopback = loopback.splice(0).slice(runs.warmup)
    const fields = { unit: 'steps/s', better: 'higher' as const }
    return [
      untimed(
        {
          id: 'B3d-loopback',
          what: 'PostgreSQL loopback commits per second (sequential upserts, one connection)',
          unit: 'commits/s',
          better: 'higher',
          details: { commits },
        },
        [...oneLoopback, ...manyLoopback],
      ),
      measurement(
        { id: 'B3d', what: 'strict steps/s into PostgreSQL, one chain', ...fields, details: {} },
        one,
        runs.warmup,
      ),
      untimed(
        {
          id: 'B3d-1-ratio',
          what: 'one chain ÷ loopback commits',
          unit: '×',
          better: 'higher',
          details: {},
        },
        ratio(one, oneLoopback),
      ),
      measurement(
        {
          id: 'B3d-100',
          what: 'strict steps/s into PostgreSQL, 100 chains at once (aggregate)',
          ...fields,
          details: { stepsPerChain: manySteps },
        },
        many,
        runs.warmup,
      ),
      untimed(
        {
          id: 'B3d-100-ratio',
          what: '100 chains ÷ loopback commits',
          unit: '×',
          better: 'higher',
          details: {},
        },
        ratio(many, manyLoopback),
      ),
    ]
  } finally {
    await persister.close()
    await pool.end()
    database.stop()
  }
}

runIfMain(import.meta.url, main)
