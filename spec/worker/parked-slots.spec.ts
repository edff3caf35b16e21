/**
 * A process parked on a signal holds no slot of its worker: with more `nowait` launches of
 * signal-waiting processes than the worker has slots, every launch comes back (before, the
 * worker stopped taking tasks once its slots were all waiting, and the launches queued behind
 * them never came back, since their processes would only end when signalled). Then every
 * process, signalled, finishes with what it was sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { Approval, Approve } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { freshPrefix, killAllWorkers, removeTopology, scratchDir, startWorker } from './harness.js'

const SLOTS = 2
const LAUNCHES = 3 * SLOTS

/** Rejects when `promise` has not settled within `ms`, naming `what`. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, fail) =>
      setTimeout(() => fail(new Error(`${what}: nothing within ${ms / 1000} s`)), ms).unref(),
    ),
  ])

describe('a worker whose slots are all parked on signals', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('parked')
  const dir = scratchDir('parked')

  beforeAll(async () => {
    db = await freshPgDatabase('worker_parked')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('still takes nowait launches, and every process finishes once signalled', async () => {
    const worker = await startWorker({
      name: 'a',
      broker: amqpUrl(),
      store: db.url,
      prefix,
      dir,
      slots: SLOTS,
      recoverEveryMs: 0,
    })
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const store = new PostgresPersister({ connectionString: db.url })
    try {
      const controller = new RemoteProcessController(communicator)
      const pids = Array.from({ length: LAUNCHES }, (_, i) => `parked-${i}`)
      const launched = await within(
        60_000,
        `${LAUNCHES} nowait launches on a worker of ${SLOTS} slots`,
        Promise.all(
          pids.map((pid) => controller.launchProcess(Approval, {}, { pid, nowait: true })),
        ),
      )
      expect(launched).toEqual(pids)
      const accepted = await Promise.all(
        pids.map((pid) => controller.signal(pid, Approve, { by: pid })),
      )
      expect(accepted).toEqual(pids.map(() => true))
      for (const pid of pids) {
        await within(30_000, `${pid} finishing`, untilFinished(store, pid))
        expect((await store.loadCheckpoint(pid)).snapshot.outputs).toEqual({ by: pid })
      }
    } finally {
      await communicator.close()
      await store.close()
      worker.signal('SIGKILL')
    }
  }, 120_000)
})

/** Resolves once the stored checkpoint of `pid` is FINISHED. */
const untilFinished = async (store: PostgresPersister, pid: string): Promise<void> => {
  while ((await store.loadCheckpoint(pid)).snapshot.state._tag !== 'FINISHED')
    await new Promise((resolve) => setTimeout(resolve, 50))
}
