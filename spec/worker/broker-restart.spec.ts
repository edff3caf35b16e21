/**
 * A broker restart under a running worker (a private broker: restarting the shared one would
 * disturb the other spec files). The worker reconnects and goes on; the tasks it held come back
 * to it redelivered and join the processes it still runs; the launches that were waiting lost
 * their answer with the connection and, sent again with their pid, get it. Nothing runs twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { ConnectionLostError } from '../../lib/comms/errors.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import {
  freshPgDatabase,
  restartBroker,
  startPrivateBroker,
  type FreshDatabase,
  type PrivateBroker,
} from '../support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  readExecutions,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

const PIPELINES = 20
const ROUNDS = 150

describe('a worker across a broker restart', () => {
  let broker: PrivateBroker
  let db: FreshDatabase
  const prefix = freshPrefix('restart')
  const dir = scratchDir('restart')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    ;[broker, db] = await Promise.all([startPrivateBroker(), freshPgDatabase('worker_restart')])
  }, 180_000)
  afterAll(async () => {
    await killAllWorkers()
    await broker?.stop()
    await db?.drop()
  }, 180_000)

  it('reconnects and finishes every process, once', async () => {
    const worker = await startWorker({
      name: 'a',
      broker: broker.url,
      store: db.url,
      prefix,
      dir,
      env: { PLUMPY_SCALING_RECORD: record },
    })
    const communicator = await AmqpCommunicator.connect(broker.url, {
      prefix,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    })
    const controller = new RemoteProcessController(communicator)
    const lost: string[] = []
    /** Launch, and launch again with the same pid when the connection drops meanwhile. */
    const launch = async (pid: string): Promise<unknown> => {
      for (;;) {
        try {
          return await controller.launchProcess(Pipeline, { n: ROUNDS }, { pid })
        } catch (error) {
          if (!(error instanceof ConnectionLostError)) throw error
          lost.push(pid)
        }
      }
    }
    const pids = Array.from({ length: PIPELINES }, (_, i) => `pipeline-${i}`)
    const outputs = Promise.all(pids.map(launch))
    await waitUntil('the work to be under way', () => readExecutions(record).length >= 200)
    const before = readExecutions(record).length
    await restartBroker(broker)
    const after = readExecutions(record).length

    for (const result of await outputs)
      expect(result).toEqual({ total: expectedTotal(ROUNDS), rounds: ROUNDS })
    await communicator.close()
    worker.signal('SIGTERM')
    expect((await worker.exited).code).toBe(0)

    const log = worker.log()
    expect(log).toMatch(/connection to the broker lost/)
    expect(log).toMatch(/\(redelivered\)/)
    expect(lost.length).toBeGreaterThan(0)
    // Every step ran once: the redelivered tasks joined the processes the worker still ran.
    const executions = readExecutions(record)
    const keys = new Set(executions.map((e) => `${e.pipeline} ${e.step} ${e.index}`))
    expect(keys.size).toBe(PIPELINES * ROUNDS * 2)
    expect(executions).toHaveLength(PIPELINES * ROUNDS * 2)
    const store = new PostgresPersister({ connectionString: db.url })
    try {
      for (const pid of pids)
        expect((await store.loadCheckpoint(pid)).snapshot.state._tag).toBe('FINISHED')
    } finally {
      await store.close()
    }
    console.log(
      `broker restart: ${before} step executions before, ${after - before} during the restart; ` +
        `${lost.length} launches lost their answer and were sent again`,
    )
  }, 180_000)
})
