/**
 * A worker whose trees another worker takes over while it lives (its lease session ended, as in
 * a network partition, and the claims went to someone else before it came back): none of its
 * writes to those trees lands after the takeover, it stops their processes, and it starts again
 * by itself; every process finishes, and nothing runs twice past a committed checkpoint.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { PostgresOwnership } from '../../lib/worker/postgres-ownership.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  committedRounds,
  freshPrefix,
  killAllWorkers,
  prepareHistory,
  readExecutions,
  readHistory,
  removeTopology,
  runsByStep,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

const PIPELINES = 20
const ROUNDS = 30

describe('a worker whose trees are taken over while it lives', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('taken-over')
  const dir = scratchDir('taken-over')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    db = await freshPgDatabase('worker_taken_over')
    await prepareHistory(db.url)
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('writes nothing to them afterwards, stops, starts again, and everything finishes', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, env, recoverEveryMs: 500 }
    const [a, b] = await Promise.all([
      startWorker({ ...common, name: 'a' }),
      startWorker({ ...common, name: 'b' }),
    ])
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const controller = new RemoteProcessController(communicator)
    const pids = Array.from({ length: PIPELINES }, (_, i) => `pipeline-${i}`)
    const outputs = Promise.all(
      pids.map((pid) => controller.launchProcess(Pipeline, { n: ROUNDS }, { pid })),
    )
    await waitUntil(
      'worker a to be well into its share',
      () =>
        readExecutions(record).filter((e) => e.osPid === a.pid).length >= (PIPELINES * ROUNDS) / 20,
    )

    // A third owner takes a's trees the moment a's session ends.
    const store = new PostgresPersister({ connectionString: db.url })
    const thief = await PostgresOwnership.connect({
      url: db.url,
      store,
      name: 'thief',
      logger: silentLogger,
    })
    const admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
    let stolen: string[]
    let stealSeq: number
    try {
      await admin.query(
        `SELECT pg_terminate_backend(s.pid) FROM pg_stat_activity s
         WHERE s.application_name = 'plumpy-ts worker a'
           AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = s.pid AND l.locktype = 'advisory')`,
      )
      // Worker a's group-committed saves share-lock the claim rows of their roots, in pid
      // order, until their batch commits; taking many rows at once locks them in that order too
      // (as every statement of the claims does), so the two never deadlock.
      const taken = await admin.query<{ pid: string }>(
        `WITH locked AS MATERIALIZED (
           SELECT c.pid FROM process_claims c JOIN worker_leases l ON l.id = c.lease
           WHERE l.name = 'a' ORDER BY c.pid FOR UPDATE OF c)
         UPDATE process_claims c SET lease = $1 FROM locked WHERE c.pid = locked.pid
         RETURNING c.pid`,
        [thief.leaseId],
      )
      stolen = taken.rows.map((row) => row.pid)
      const last = await admin.query<{ seq: string }>(
        'SELECT max(seq) AS seq FROM checkpoint_history',
      )
      stealSeq = Number(last.rows[0]?.seq)
    } finally {
      await admin.end()
    }
    expect(stolen.length).toBeGreaterThan(0)

    // Worker a finds out (a refused write, or its claims on reconnection), stops and restarts.
    await a.waitForLog(/lost the claims of some of its processes .*: stopping them now/)
    await a.waitForLog(/starting again \(2\)/)
    await a.waitForLog(/ready: .*\n(.|\n)* ready: /)
    // While the thief holds them, nobody writes to the stolen trees.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const whileStolen = await readHistory(db.url)
    await thief.handBack()
    await thief.close()
    await store.close()

    for (const result of await outputs)
      expect(result).toEqual({ total: expectedTotal(ROUNDS), rounds: ROUNDS })
    await communicator.close()
    expect(a.child.exitCode).toBeNull()
    for (const worker of [a, b]) worker.signal('SIGTERM')
    for (const worker of [a, b]) expect((await worker.exited).code, worker.name).toBe(0)

    const inStolenTree = (row: { pid: string; parent: string | undefined }) =>
      stolen.includes(row.pid) || (row.parent !== undefined && stolen.includes(row.parent))
    const late = whileStolen.filter((row) => row.seq > stealSeq && inStolenTree(row))
    expect(late, 'writes to stolen trees after the takeover').toEqual([])

    // Nothing ran twice past a checkpoint committed before the takeover.
    const history = await readHistory(db.url)
    const committed = committedRounds(history, pids, (row) => row.seq <= stealSeq)
    const runs = runsByStep(record)
    expect(runs.size).toBe(PIPELINES * ROUNDS * 2)
    for (const [key, who] of runs) {
      if (who.length === 1) continue
      const [pid, , index] = key.split(' ')
      expect(stolen, key).toContain(pid)
      expect(Number(index), key).toBeGreaterThanOrEqual(committed.get(pid ?? '') ?? 0)
    }
    console.log(
      `taken over: ${stolen.length} trees of worker a stolen; ` +
        `${[...runs.values()].filter((who) => who.length > 1).length} steps ran again`,
    )
  }, 120_000)
})
