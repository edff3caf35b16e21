/**
 * Revive: processes whose task is gone (nowait launches, acknowledged early, then their worker
 * died) are found in the store and continued; reviving while a worker runs them continues nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  committedRounds,
  DEFINITIONS,
  freshPrefix,
  killAllWorkers,
  prepareHistory,
  readExecutions,
  readHistory,
  removeTopology,
  runCli,
  runsByStep,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

const PIPELINES = 20
const ROUNDS = 60

describe('plumpy-ts revive', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('revive')
  const dir = scratchDir('revive')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    db = await freshPgDatabase('worker_revive')
    await prepareHistory(db.url)
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('continues the processes whose task was lost, and nothing twice while a worker runs them', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, env }
    // Worker a acknowledges nowait launches at once: then only the store knows the processes.
    const a = await startWorker({ ...common, name: 'a' })
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const controller = new RemoteProcessController(communicator)
    const pids = Array.from({ length: PIPELINES }, (_, i) => `pipeline-${i}`)
    const launched = await Promise.all(
      pids.map((pid) => controller.launchProcess(Pipeline, { n: ROUNDS }, { pid, nowait: true })),
    )
    expect(launched).toEqual(pids)
    expect(a.log().match(/task acknowledged early \(nowait\)/g)).toHaveLength(PIPELINES)
    a.signal('SIGKILL')
    await a.exited
    const byA = readExecutions(record).length
    expect(byA).toBeLessThan(PIPELINES * ROUNDS)

    // Another worker starts, one that does not continue processes by itself (the default does:
    // see recovery.spec.ts): no task is left for it.
    const b = await startWorker({ ...common, name: 'b', recoverEveryMs: 0 })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(b.log()).not.toMatch(/task /)

    const args = ['revive', '--store', db.url, '--broker', amqpUrl(), '--prefix', prefix]
    const first = await runCli([...args, '--definitions', DEFINITIONS])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const continued = first.stdout
      .split('\n')
      .filter((line) => line.endsWith('sent a continue task'))
    expect(continued).toHaveLength(PIPELINES)
    expect(first.stdout).toMatch(new RegExp(`^${PIPELINES} continued, 0 running`, 'm'))

    // While b runs them, reviving again sends nothing: they are b's.
    await waitUntil('worker b to take every continue', () =>
      pids.every((pid) => b.log().includes(`task continue ${pid}`)),
    )
    const second = await runCli([...args, '--definitions', DEFINITIONS])
    expect(second.code).toBe(0)
    const running = second.stdout
      .split('\n')
      .filter((line) => / skipped: running on worker b$/.test(line))
    expect(second.stdout).toMatch(/^0 continued, /m)
    expect(running.length).toBeGreaterThan(0)

    // Every pipeline ends; the launches lost with worker a are answered when sent again.
    const outputs = await Promise.all(
      pids.map((pid) => controller.launchProcess(Pipeline, { n: ROUNDS }, { pid })),
    )
    for (const result of outputs)
      expect(result).toEqual({ total: expectedTotal(ROUNDS), rounds: ROUNDS })
    await communicator.close()
    b.signal('SIGTERM')
    expect((await b.exited).code).toBe(0)

    // Only what a ran without committing its checkpoint ran again; b ran nothing twice.
    const history = await readHistory(db.url)
    const committedByA = committedRounds(history, pids, (row) => row.writer === 'a')
    const runs = runsByStep(record)
    for (const [key, who] of runs) {
      if (who.length === 1) continue
      expect(who, key).toEqual([a.pid, b.pid])
      const [pid, , index] = key.split(' ')
      expect(Number(index), key).toBeGreaterThanOrEqual(committedByA.get(pid ?? '') ?? 0)
    }
    expect(runs.size).toBe(PIPELINES * ROUNDS * 2)
    const store = new PostgresPersister({ connectionString: db.url })
    try {
      for (const pid of pids)
        expect((await store.loadCheckpoint(pid)).snapshot.state._tag).toBe('FINISHED')
    } finally {
      await store.close()
    }
    console.log(
      `revive: worker a killed after ${byA} step executions with every task acknowledged; ` +
        `revive continued ${continued.length}, then skipped ${running.length} as running on b`,
    )
  }, 120_000)
})
