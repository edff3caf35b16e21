/**
 * A busy worker stays on the wire: while it runs a long pipeline (thousands of steps) it keeps
 * answering status RPCs promptly and never misses a heartbeat (the broker would drop it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  removeTopology,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

describe('a worker running a long chain', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('responsive')
  const dir = scratchDir('responsive')

  beforeAll(async () => {
    db = await freshPgDatabase('worker_responsive')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('keeps answering status RPCs while it runs', async () => {
    const worker = await startWorker({ name: 'a', broker: amqpUrl(), store: db.url, prefix, dir })
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const controller = new RemoteProcessController(communicator)
    const pid = 'long-chain'
    const done = controller.launchProcess(Pipeline, { n: 1_500 }, { pid })
    let finished = false
    void done.then(() => (finished = true))
    const latencies: number[] = []
    const states = new Set<string>()
    await new Promise((resolve) => setTimeout(resolve, 300))
    while (!finished && latencies.length < 40) {
      const asked = Date.now()
      try {
        states.add((await controller.getStatus(pid)).state)
        latencies.push(Date.now() - asked)
      } catch (error) {
        if (!finished) throw error // unroutable only once it has ended
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await done
    await communicator.close()
    worker.signal('SIGTERM')
    expect((await worker.exited).code).toBe(0)

    const sorted = [...latencies].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0
    const worst = sorted[sorted.length - 1] ?? 0
    console.log(
      `responsive: ${latencies.length} status RPCs during the run, median ${median} ms, worst ${worst} ms`,
    )
    expect(latencies.length).toBeGreaterThanOrEqual(10)
    expect([...states].every((state) => ['RUNNING', 'WAITING'].includes(state))).toBe(true)
    expect(worst).toBeLessThan(2_000)
    expect(worker.log()).not.toMatch(/connection to the broker lost/)
  }, 120_000)

  it('runs no more processes than its slots, even when it acknowledges their tasks at once', async () => {
    const worker = await startWorker({
      name: 'b',
      broker: amqpUrl(),
      store: db.url,
      prefix,
      dir,
      slots: 2,
    })
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const controller = new RemoteProcessController(communicator)
    const pids = Array.from({ length: 5 }, (_, i) => `bounded-${i}`)
    // Answered as each starts: the last ones only once the first have finished.
    const launched = Promise.all(
      pids.map((pid) => controller.launchProcess(Pipeline, { n: 300 }, { pid, nowait: true })),
    )
    const store = new PostgresPersister({ connectionString: db.url })
    let most = 0
    try {
      await waitUntil(
        'every pipeline to finish',
        async () => {
          const states = await Promise.all(
            pids.map((pid) =>
              store.loadCheckpoint(pid).then(
                (stored) => stored.snapshot.state._tag,
                () => 'NOT STARTED',
              ),
            ),
          )
          most = Math.max(most, states.filter((s) => s === 'RUNNING' || s === 'WAITING').length)
          return states.every((state) => state === 'FINISHED')
        },
        60_000,
      )
      expect(await launched).toEqual(pids)
    } finally {
      await store.close()
      await communicator.close()
    }
    worker.signal('SIGTERM')
    expect((await worker.exited).code).toBe(0)
    expect(most).toBe(2)
    expect(worker.log()).toMatch(/at capacity \(2 processes\): not taking tasks/)
    expect(worker.log()).toMatch(/taking tasks again/)
  }, 120_000)
})
