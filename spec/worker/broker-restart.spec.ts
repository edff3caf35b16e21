/**
 * A broker restart under two running workers (a private broker: restarting the shared one would
 * disturb the other spec files). Each worker reconnects, says so in one line, and goes on; the
 * tasks they held come back redelivered, to either worker, and join (or follow) the processes
 * still running; the launches that were waiting lost their answer with the connection, and the
 * controller sends them again with their pid: every caller of `launchProcess` gets its outputs,
 * none a `ConnectionLostError`. Nothing runs twice, nothing ends twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import { recordingLogger } from '../comms/helpers.js'
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
  prepareHistory,
  readExecutions,
  readHistory,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

const PIPELINES = 20
const ROUNDS = 150

const TERMINAL = new Set(['FINISHED', 'EXCEPTED', 'KILLED'])

describe('workers across a broker restart', () => {
  let broker: PrivateBroker
  let db: FreshDatabase
  const prefix = freshPrefix('restart')
  const dir = scratchDir('restart')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    ;[broker, db] = await Promise.all([startPrivateBroker(), freshPgDatabase('worker_restart')])
    await prepareHistory(db.url)
  }, 180_000)
  afterAll(async () => {
    await killAllWorkers()
    await broker?.stop()
    await db?.drop()
  }, 180_000)

  it('reconnect and finish every process, once', async () => {
    const common = {
      broker: broker.url,
      store: db.url,
      prefix,
      dir,
      env: { PLUMPY_SCALING_RECORD: record },
    }
    const workers = await Promise.all([
      startWorker({ ...common, name: 'a' }),
      startWorker({ ...common, name: 'b' }),
    ])
    const communicator = await AmqpCommunicator.connect(broker.url, {
      prefix,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    })
    const logger = recordingLogger()
    const controller = new RemoteProcessController(communicator, { logger })
    const pids = Array.from({ length: PIPELINES }, (_, i) => `pipeline-${i}`)
    // No retry here: the controller sends again what the restart cut off.
    const outputs = Promise.all(
      pids.map((pid) => controller.launchProcess(Pipeline, { n: ROUNDS }, { pid })),
    )
    await waitUntil('the work to be under way', () => readExecutions(record).length >= 200)
    const before = readExecutions(record).length
    await restartBroker(broker)
    const after = readExecutions(record).length

    for (const result of await outputs)
      expect(result).toEqual({ total: expectedTotal(ROUNDS), rounds: ROUNDS })
    await communicator.close()
    // A worker whose share others took over may still be between two attempts (or, when the
    // socket died without a close, waiting for missed heartbeats to notice): let it get back.
    for (const worker of workers) await worker.waitForLog(/reconnected to the broker/, 90_000)
    for (const worker of workers) worker.signal('SIGTERM')
    for (const worker of workers) expect((await worker.exited).code, worker.name).toBe(0)

    // Both worked, and each told the outage in two lines: lost, then back.
    const ran = new Set(readExecutions(record).map((e) => e.osPid))
    for (const worker of workers) {
      expect(ran.has(worker.pid), `worker ${worker.name} ran steps`).toBe(true)
      const lines = worker.log().split('\n')
      expect(
        lines.filter((l) => /connection to the broker lost/.test(l)),
        worker.name,
      ).toHaveLength(1)
      expect(
        lines.filter((l) => /reconnected to the broker after/.test(l)),
        worker.name,
      ).toHaveLength(1)
    }
    expect(workers.map((worker) => worker.log()).join('\n')).toMatch(/\(redelivered\)/)
    const lost = logger.lines.filter((line) => /dropped before the answer; sending it/.test(line))
    expect(lost.length).toBeGreaterThan(0)
    expect(lost.length).toBeLessThanOrEqual(PIPELINES)
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
    // Every committed checkpoint write is in the history: each process, pipeline or child,
    // reached its end exactly once (a second run would write a second terminal checkpoint).
    const history = await readHistory(db.url)
    const ends = new Map<string, string[]>()
    for (const row of history)
      if (TERMINAL.has(row.state)) ends.set(row.pid, [...(ends.get(row.pid) ?? []), row.state])
    const everyPid = new Set(history.map((row) => row.pid))
    expect(everyPid.size).toBe(PIPELINES * (ROUNDS + 1))
    for (const pid of everyPid) expect(ends.get(pid), pid).toEqual(['FINISHED'])
    console.log(
      `broker restart: ${before} step executions before, ${after - before} during the restart; ` +
        `${lost.length} launches lost their answer and were sent again by the controller`,
    )
  }, 180_000)
})
