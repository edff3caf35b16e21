/**
 * No leaked claims: two workers run 100 concurrent pipelines; once every one has ended, the
 * (still running, idle) workers hold no claim at all, whatever the interleaving of children
 * that end while their claim is still being taken. Each worker holds exactly one advisory lock,
 * its lease, however many processes it ran.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { freshPrefix, killAllWorkers, removeTopology, scratchDir, startWorker } from './harness.js'

const PIPELINES = 100
const ROUNDS = 5

const count = async (url: string, sql: string): Promise<number> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ count: string }>(sql)
    return Number(rows[0]?.count)
  } finally {
    await client.end()
  }
}

/** Advisory locks held in the test's database by each worker's sessions. */
const advisoryLocksOf = (url: string, worker: string) =>
  count(
    url,
    `SELECT count(*) AS count FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND a.application_name = 'plumpy-ts worker ${worker}'`,
  )

/** Claim rows of the test's database (of live workers, or of anyone). */
const claimRows = (url: string) => count(url, 'SELECT count(*) AS count FROM process_claims')

describe('claims of two workers under concurrency', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('claims')
  const dir = scratchDir('claims')

  beforeAll(async () => {
    db = await freshPgDatabase('worker_claims')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('are all released once every process has ended', async () => {
    const common = { broker: amqpUrl(), store: db.url, prefix, dir }
    const workers = await Promise.all([
      startWorker({ ...common, name: 'a' }),
      startWorker({ ...common, name: 'b' }),
    ])
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    try {
      const controller = new RemoteProcessController(communicator)
      const outputs = await Promise.all(
        Array.from({ length: PIPELINES }, (_, i) =>
          controller.launchProcess(Pipeline, { n: ROUNDS }, { pid: `claims-${i}` }),
        ),
      )
      for (const result of outputs)
        expect(result).toEqual({ total: expectedTotal(ROUNDS), rounds: ROUNDS })
      // Both took part, and both are still up, idle.
      for (const worker of workers) {
        expect(worker.log(), worker.name).toMatch(/task launch Pipeline/)
        expect(worker.child.exitCode, worker.name).toBeNull()
      }
      // A release follows its tree's last checkpoint: give the last ones a moment.
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(await claimRows(db.url)).toBe(0)
      // One lock per worker (its lease), not one per process: none of the 600 processes left one.
      for (const worker of workers) expect(await advisoryLocksOf(db.url, worker.name)).toBe(1)
    } finally {
      await communicator.close()
    }
  }, 120_000)
})
