/**
 * A database restart under two running workers (a PostgreSQL server of the test's own: stopping
 * the shared one would disturb the other spec files). The server is stopped for 5 s in the
 * middle of 100 multi-step chains: the workers retry their checkpoints, reconnect their leases,
 * keep their claims, and carry on. Every chain finishes, every step runs once, no worker stops,
 * and nobody does anything by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, startPrivatePostgres, type PrivatePostgres } from '../support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  prepareHistory,
  readExecutions,
  readHistory,
  removeTopology,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

const CHAINS = 100
const ROUNDS = 6
const OUTAGE_MS = 5_000
const TERMINAL = new Set(['FINISHED', 'EXCEPTED', 'KILLED'])

describe('workers across a database restart', () => {
  let server: PrivatePostgres
  const prefix = freshPrefix('db-restart')
  const dir = scratchDir('db-restart')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    server = await startPrivatePostgres()
    await prepareHistory(server.url)
  }, 120_000)
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await server?.stop()
  }, 120_000)

  it('finish every chain, each step once, with nothing done by hand', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: server.url, prefix, dir, env }
    const workers = await Promise.all([
      startWorker({ ...common, name: 'a' }),
      startWorker({ ...common, name: 'b' }),
    ])
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const controller = new RemoteProcessController(communicator)
    const pids = Array.from({ length: CHAINS }, (_, i) => `chain-${i}`)
    const outputs = Promise.all(
      pids.map((pid) => controller.launchProcess(Pipeline, { n: ROUNDS }, { pid })),
    )
    const total = CHAINS * ROUNDS * 2
    await waitUntil('the chains to be under way', () => readExecutions(record).length >= total / 5)
    const before = readExecutions(record).length
    await server.halt()
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS))
    const during = readExecutions(record).length - before
    await server.resume()

    for (const result of await outputs)
      expect(result).toEqual({ total: expectedTotal(ROUNDS), rounds: ROUNDS })
    await communicator.close()
    for (const worker of workers) {
      expect(worker.child.exitCode, `worker ${worker.name} still runs`).toBeNull()
      const log = worker.log()
      expect(log, worker.name).toMatch(/connection to the database lost/)
      expect(log, worker.name).toMatch(/reconnected to the database after .*, lease kept/)
      expect(log, worker.name).not.toMatch(/lost the claims/)
    }
    expect(workers.map((worker) => worker.log()).join('\n')).toMatch(
      /checkpoint writes succeed again after/,
    )
    for (const worker of workers) worker.signal('SIGTERM')
    for (const worker of workers) expect((await worker.exited).code, worker.name).toBe(0)

    // Both worked; every step ran exactly once.
    const executions = readExecutions(record)
    const ran = new Set(executions.map((e) => e.osPid))
    for (const worker of workers) expect(ran.has(worker.pid), worker.name).toBe(true)
    const keys = new Set(executions.map((e) => `${e.pipeline} ${e.step} ${e.index}`))
    expect(keys.size).toBe(total)
    expect(executions).toHaveLength(total)
    // Every process, chain or child, reached its end once, and is stored FINISHED.
    const history = await readHistory(server.url)
    const ends = new Map<string, string[]>()
    for (const row of history)
      if (TERMINAL.has(row.state)) ends.set(row.pid, [...(ends.get(row.pid) ?? []), row.state])
    const everyPid = new Set(history.map((row) => row.pid))
    expect(everyPid.size).toBe(CHAINS * (ROUNDS + 1))
    for (const pid of everyPid) expect(ends.get(pid), pid).toEqual(['FINISHED'])
    const store = new PostgresPersister({ connectionString: server.url })
    try {
      for (const pid of pids)
        expect((await store.loadCheckpoint(pid)).snapshot.state._tag).toBe('FINISHED')
    } finally {
      await store.close()
    }
    console.log(
      `database restart: ${before} step executions before the ${OUTAGE_MS} ms outage, ` +
        `${during} during it (steps whose checkpoints were committed before it)`,
    )
  }, 180_000)
})
