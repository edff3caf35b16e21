/**
 * Generator steps on workers: `RoundPipeline` waits for each round's child inside its `round`
 * step. Two workers run it; one is stopped (SIGTERM) in the middle, the other takes its
 * pipelines over from their checkpoints — some suspended inside a `round`, brought back by
 * replaying the step's journal on the other worker — and every pipeline ends with the right
 * total, every round's work counted once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { expectedTotal, RoundPipeline } from '../../examples/scaling/definitions.js'
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

const PIPELINES = 10
const ROUNDS = 40

describe('generator steps on workers', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('rounds')
  const dir = scratchDir('rounds')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    db = await freshPgDatabase('worker_rounds')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('move with their journals to another worker and finish there', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, env }
    // Both workers are up before anything is launched, so that a slow start of the second
    // cannot let the first finish everything before it is stopped.
    const [a, b] = await Promise.all([
      startWorker({ ...common, name: 'a' }),
      startWorker({ ...common, name: 'b' }),
    ])
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    try {
      const controller = new RemoteProcessController(communicator)
      const pids = Array.from({ length: PIPELINES }, (_, i) => `rounds-${i}`)
      const outputs = pids.map((pid) =>
        controller.launchProcess(RoundPipeline, { n: ROUNDS }, { pid }),
      )
      await waitUntil(
        'worker a to be well into the rounds',
        () =>
          readExecutions(record).filter((e) => e.step === 'collect' && e.osPid === a.pid).length >=
          30,
      )
      a.signal('SIGTERM')
      expect(await a.exited).toEqual({ code: 0, signal: null })
      const totals = (await Promise.all(outputs)) as { total: number; rounds: number }[]
      expect(totals).toEqual(pids.map(() => ({ total: expectedTotal(ROUNDS), rounds: ROUNDS })))

      // Some pipeline went on on worker b after rounds on worker a (its generator step brought
      // back from its journal there), and no round of any pipeline was counted twice.
      const collected = readExecutions(record).filter((e) => e.step === 'collect')
      const workersOf = (pipeline: string) =>
        new Set(collected.filter((e) => e.pipeline === pipeline).map((e) => e.osPid))
      expect(pids.some((pid) => workersOf(pid).has(a.pid) && workersOf(pid).has(b.pid))).toBe(true)
      const seen = new Set<string>()
      for (const e of collected) {
        const key = `${e.pipeline} ${e.index}`
        expect(seen.has(key), `round ${key} counted twice`).toBe(false)
        seen.add(key)
      }
      expect(seen.size).toBe(PIPELINES * ROUNDS)
    } finally {
      await communicator.close()
    }
  }, 180_000)
})
