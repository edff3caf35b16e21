/**
 * A nowait launch answers with the pid only once the process can be reached under it: a status
 * request sent the moment the pid arrives is answered, never unroutable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { freshPrefix, killAllWorkers, removeTopology, scratchDir, startWorker } from './harness.js'

const LAUNCHES = 40

describe('a nowait launch on a worker', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('nowait')
  const dir = scratchDir('nowait')

  beforeAll(async () => {
    db = await freshPgDatabase('worker_nowait')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('answers the pid once the process answers status requests under it', async () => {
    const worker = await startWorker({ name: 'a', broker: amqpUrl(), store: db.url, prefix, dir })
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    try {
      const controller = new RemoteProcessController(communicator)
      // Long pipelines: each is still running when its status is asked.
      const asked = Array.from({ length: LAUNCHES }, (_, i) =>
        controller
          .launchProcess(Pipeline, { n: 100_000 }, { pid: `nowait-${i}`, nowait: true })
          .then((pid) => controller.getStatus(pid as string))
          .then(
            (status) => ({ answered: true, state: status.state }),
            (error: unknown) => ({ answered: false, error: String(error) }),
          ),
      )
      const statuses = await Promise.all(asked)
      const unanswered = statuses.filter((status) => !status.answered)
      expect(unanswered, JSON.stringify(unanswered.slice(0, 3))).toEqual([])
      for (const status of statuses)
        expect(['CREATED', 'RUNNING', 'WAITING']).toContain((status as { state: string }).state)
    } finally {
      await communicator.close()
      worker.signal('SIGKILL')
    }
  }, 120_000)
})
