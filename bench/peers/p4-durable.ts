/**
 * P4, B3d on DBOS Transact beside ours: durable steps per second into one PostgreSQL server
 * (`PLUMPY_BENCH_PG_URL`, or a private one with fsync on), each step's record committed before the
 * next step starts: one chain of 1,000 steps, then 100 chains of 100 at once; beside the loopback
 * commit rate of the same server (B3d's sequential upserts), all three paired round by round.
 *
 * Ours is B3d's code (strict durability, group commit, a pool of 20); DBOS's workflows run with a
 * pool of 20 too, its system database a database of its own on the same server.
 */
import pg from 'pg'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { loopbackCommits, strictChains } from '../b3d-strict-postgres.js'
import { plan, runIfMain, type Measurement, type WorkloadArgs } from '../harness.js'
import { startPostgres } from '../servers.js'
import { openDbos } from './dbos.js'
import { measurePaired, type Entry } from './paired.js'

const POOL = 20

export const main = async (args: WorkloadArgs): Promise<Measurement[]> => {
  const database = startPostgres()
  const pool = new pg.Pool({ connectionString: database.url, max: POOL })
  const persister = new PostgresPersister({ pool, groupCommit: true })
  try {
    await persister.ensureSchema()
    const dbos = await openDbos({
      serverUrl: database.url,
      database: 'plumpy_bench_peers_dbos',
      poolSize: POOL,
    })
    try {
      const runs = plan(args, { warmup: 1, runs: 5 })
      const commits = args.smoke ? 50 : 1_000
      const loopback: Entry = {
        name: 'loopback',
        operations: commits,
        once: () => loopbackCommits(pool, commits),
        what: 'PostgreSQL loopback commits (sequential upserts, one connection), B3d-loopback',
        unit: 'commits/s',
        details: {},
      }
      const chainsOf = (chains: number, steps: number): Entry[] => [
        {
          name: 'ours',
          operations: chains * steps,
          once: () => strictChains(persister, chains, steps),
          what: `plumpy-ts strict: ${chains} loop chain(s) of ${steps} steps, a checkpoint committed per step (B3d)`,
          details: { chains, steps, groupCommit: true, pool: POOL },
        },
        {
          name: 'dbos',
          operations: chains * steps,
          once: () => dbos.chains(chains, steps),
          what: `DBOS: ${chains} workflow(s) of ${steps} \`DBOS.runStep\` steps, each recorded`,
          details: { chains, steps, pool: POOL },
        },
      ]
      const ratios = [
        ['ours', 'dbos'],
        ['ours', 'loopback'],
        ['dbos', 'loopback'],
      ] as const
      const one = await measurePaired({
        id: 'P4',
        unit: 'steps/s',
        plan: runs,
        contenders: [loopback, ...chainsOf(1, args.smoke ? 20 : 1_000)],
        ratios,
      })
      const many = await measurePaired({
        id: 'P4-100',
        unit: 'steps/s',
        plan: runs,
        contenders: [loopback, ...chainsOf(100, args.smoke ? 5 : 100)],
        ratios,
      })
      return [...one, ...many]
    } finally {
      await dbos.shutdown()
    }
  } finally {
    await persister.close()
    await pool.end()
    database.stop()
  }
}

runIfMain(import.meta.url, main)
