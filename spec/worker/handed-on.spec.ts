/**
 * A waited launch held past the hold limit is handed on to a continue task that carries the
 * sender's return address. A worker killed after that (SIGKILL: no graceful hand-over) leaves
 * the sender's answer with that task: the broker redelivers it, another worker takes the process
 * over from its checkpoint and answers. No sender is left waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  readExecutions,
  removeTopology,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

const PIPELINES = 8
// Long enough that they are still running when worker a dies.
const ROUNDS = 400

describe('a worker killed after handing waited launches on', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('handed-on')
  const dir = scratchDir('handed-on')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    db = await freshPgDatabase('worker_handed_on')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('leaves no sender waiting: another worker takes the processes over and answers', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, env }
    const a = await startWorker({ ...common, name: 'a', holdLimitMs: 200 })
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    try {
      const controller = new RemoteProcessController(communicator)
      const pids = Array.from({ length: PIPELINES }, (_, i) => `handed-${i}`)
      let answered = 0
      const outputs = pids.map((pid) =>
        controller.launchProcess(Pipeline, { n: ROUNDS }, { pid }).finally(() => (answered += 1)),
      )
      await waitUntil('every launch to be handed on', () =>
        pids.every((pid) => a.log().includes(`${pid} task handed on to a continue task`)),
      )
      const b = await startWorker({ ...common, name: 'b' })
      a.signal('SIGKILL')
      await a.exited
      expect(answered).toBe(0)
      const ranByA = readExecutions(record).filter((e) => e.osPid === a.pid).length
      expect(ranByA).toBeLessThan(PIPELINES * ROUNDS * 2)

      for (const result of await Promise.all(outputs))
        expect(result).toEqual({ total: expectedTotal(ROUNDS), rounds: ROUNDS })
      expect(b.log()).toMatch(/task continue handed-\d+ \(redelivered\)/)
      b.signal('SIGTERM')
      expect((await b.exited).code).toBe(0)
      // Every step ran, and only on a or then b: at most once each, but for what a ran without
      // committing its checkpoint (at most one step per pipeline, see the nothing-lost test).
      const runs = new Map<string, number>()
      for (const e of readExecutions(record)) {
        const key = `${e.pipeline} ${e.step} ${e.index}`
        runs.set(key, (runs.get(key) ?? 0) + 1)
      }
      expect(runs.size).toBe(PIPELINES * ROUNDS * 2)
      const again = [...runs.values()].filter((count) => count > 1)
      expect(again.every((count) => count === 2)).toBe(true)
      expect(again.length).toBeLessThanOrEqual(PIPELINES)
    } finally {
      await communicator.close()
    }
  }, 120_000)
})
