/**
 * A worker whose last write of a process is refused by the fence (another worker took the tree
 * over while the process waited) does not answer the launch with what its process did: that end
 * was never committed, and the process goes on from its committed checkpoint elsewhere. The task
 * goes back to the queue, and the worker that holds the tree now answers it. On PostgreSQL (the
 * claims and fenced writes) and RabbitMQ (the task going back), both real.
 */
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { PostgresOwnership } from '../../lib/worker/postgres-ownership.js'
import { Worker } from '../../lib/worker/worker.js'
import { Approval, Approve } from '../runtime/signal-fixtures.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { freshPrefix, removeTopology, waitUntil } from './harness.js'

const closing: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close().catch(() => undefined)
})

/** A lease of its own on the store, under `name`, with its own store connection. */
const openLease = async (url: string, name: string) => {
  const store = new PostgresPersister({ connectionString: url })
  const ownership = await PostgresOwnership.connect({ url, store, name, logger: silentLogger })
  closing.push(() => store.close())
  closing.push(() => ownership.close())
  return { store, ownership }
}

/** A worker on `lease`, with a broker connection of its own. */
const startWorker = async (
  lease: { readonly store: PostgresPersister; readonly ownership: PostgresOwnership },
  prefix: string,
  durability: Durability,
) => {
  const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix, logger: silentLogger })
  const worker = await Worker.start({
    name: lease.ownership.name,
    communicator,
    store: lease.store,
    ownership: lease.ownership,
    registry: DefinitionRegistry.of(Approval),
    logger: silentLogger,
    recoverEveryMs: 0,
    timerPollMs: 0,
    durability,
  })
  closing.push(() => worker.shutdown())
  return worker
}

/** Runs `text` on an admin connection of its own. */
const admin = async (url: string, text: string, values: unknown[] = []) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query<{ n: number }>(text, values)
  } finally {
    await client.end()
  }
}

/**
 * Makes every write of a RUNNING checkpoint of the pids `fenced-*` take two seconds inside its
 * statement, which holds the claim row of the process's tree share-locked meanwhile.
 */
const slowRunningWrites = (url: string) =>
  admin(
    url,
    `CREATE FUNCTION slow_running() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.pid LIKE 'fenced-%' AND NEW.state = 'RUNNING' THEN PERFORM pg_sleep(2); END IF;
       RETURN NEW;
     END $$;
     CREATE TRIGGER slow_running BEFORE INSERT OR UPDATE ON checkpoints
     FOR EACH ROW EXECUTE FUNCTION slow_running()`,
  )

/** What a promise came to, once it settles: its value or its error. */
const settled = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )

describe('a worker whose write of the end of a process is refused by the fence', () => {
  let db: FreshDatabase
  beforeAll(async () => {
    db = await freshPgDatabase('worker_fenced_end')
    const store = new PostgresPersister({ connectionString: db.url })
    await store.ensureSchema()
    await store.close()
    await slowRunningWrites(db.url)
  })
  afterAll(async () => {
    await db?.drop()
  })

  for (const durability of ['strict', 'batched', 'async'] as const)
    it(`${durability}: does not answer the launch; the worker holding the tree does`, async () => {
      const prefix = freshPrefix(`fenced-end-${durability}`)
      closing.push(() => removeTopology(amqpUrl(), prefix))
      const pid = `fenced-${durability}`
      const a = await startWorker(await openLease(db.url, 'a'), prefix, durability)
      const client = await AmqpCommunicator.connect(amqpUrl(), { prefix, logger: silentLogger })
      closing.push(() => client.close())
      const controller = new RemoteProcessController(client)
      let answered = false
      const launched = settled(
        controller.launchProcess(Approval, {}, { pid }).finally(() => (answered = true)),
      )
      await waitUntil('the process to wait on a', () => a.runner.get(pid)?.state === 'WAITING')
      await a.store.written(pid)

      // The approval makes the process RUNNING; while that checkpoint is written (committed:
      // the claim is still a's), another lease takes the tree over. Its last step then runs on
      // a, whose write of the end is refused by the fence, and a stops.
      const thief = await openLease(db.url, 'b')
      const signalled = controller.signal(pid, Approve, { by: 'ann' })
      await waitUntil('the RUNNING checkpoint to be written', async () => {
        const sleeping = await admin(
          db.url,
          `SELECT count(*)::integer AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event = 'PgSleep'`,
        )
        return (sleeping.rows[0]?.n ?? 0) > 0
      })
      const taken = await admin(db.url, 'UPDATE process_claims SET lease = $1 WHERE pid = $2', [
        thief.ownership.leaseId,
        pid,
      ])
      expect(taken.rowCount).toBe(1)
      expect(await signalled).toBe(true) // the RUNNING checkpoint holding it was committed
      expect(await a.stopped).toMatchObject({ reason: 'lost' })
      expect(a.runner.get(pid)).toBeUndefined() // it did end on a
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(answered, 'the launch answered by the worker that lost the tree').toBe(false)

      // The task went back to the queue: the worker on the lease that holds the tree now takes
      // it, goes on from the committed RUNNING checkpoint, and answers.
      await startWorker(thief, prefix, durability)
      expect(await launched).toEqual({ value: { by: 'ann' } })
    }, 60_000)
})
