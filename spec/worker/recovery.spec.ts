/**
 * Nothing waits for a human: processes launched `nowait` whose worker died (their tasks were
 * acknowledged, so the broker has nothing to redeliver) are found and continued by the other
 * worker by itself, with no `plumpy-ts revive`, and nothing runs twice past a checkpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  committedRounds,
  freshPrefix,
  killAllWorkers,
  prepareHistory,
  readExecutions,
  readHistory,
  removeTopology,
  runsByStep,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

const PIPELINES = 100
const ROUNDS = 6

describe('workers recovering the processes of a worker that died', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('recovery')
  const dir = scratchDir('recovery')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    db = await freshPgDatabase('worker_recovery')
    await prepareHistory(db.url)
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('continue every nowait process by themselves, nothing twice', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, env, recoverEveryMs: 1_000 }
    const [a, b] = await Promise.all([
      startWorker({ ...common, name: 'a' }),
      startWorker({ ...common, name: 'b' }),
    ])
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const store = new PostgresPersister({ connectionString: db.url })
    try {
      const controller = new RemoteProcessController(communicator)
      const pids = Array.from({ length: PIPELINES }, (_, i) => `nowait-${i}`)
      const launched = await Promise.all(
        pids.map((pid) => controller.launchProcess(Pipeline, { n: ROUNDS }, { pid, nowait: true })),
      )
      expect(launched).toEqual(pids)
      const taken = (worker: { log(): string }) =>
        pids.filter((pid) => worker.log().includes(`task launch Pipeline ${pid}\n`))
      const ofA = taken(a)
      expect(ofA.length).toBeGreaterThan(0)
      expect(taken(b).length).toBeGreaterThan(0)
      a.signal('SIGKILL')
      await a.exited
      const byA = readExecutions(record).filter((e) => e.osPid === a.pid).length

      await waitUntil(
        'every pipeline to finish',
        async () => {
          const states = await Promise.all(
            pids.map(async (pid) => (await store.loadCheckpoint(pid)).snapshot.state._tag),
          )
          return states.every((state) => state === 'FINISHED')
        },
        90_000,
      )
      for (const pid of pids)
        expect((await store.loadCheckpoint(pid)).snapshot.outputs, pid).toEqual({
          total: expectedTotal(ROUNDS),
          rounds: ROUNDS,
        })
      const recovered = b
        .log()
        .split('\n')
        .filter((line) => / has no live worker: continuing it$/.test(line))
      // Those of a's that a had not finished; none of b's own.
      expect(recovered.length).toBeGreaterThan(0)
      for (const line of recovered) expect(ofA.some((pid) => line.includes(` ${pid} `))).toBe(true)
      expect(b.child.exitCode).toBeNull()
      b.signal('SIGTERM')
      expect((await b.exited).code).toBe(0)

      // Only what a ran without committing its checkpoint ran again.
      const history = await readHistory(db.url)
      const committedByA = committedRounds(history, pids, (row) => row.writer === 'a')
      const runs = runsByStep(record)
      expect(runs.size).toBe(PIPELINES * ROUNDS * 2)
      for (const [key, who] of runs) {
        if (who.length === 1) continue
        expect(who, key).toEqual([a.pid, b.pid])
        const [pid, , index] = key.split(' ')
        expect(Number(index), key).toBeGreaterThanOrEqual(committedByA.get(pid ?? '') ?? 0)
      }
      console.log(
        `recovery: worker a killed after ${byA} step executions, holding ${ofA.length} ` +
          `nowait pipelines; worker b continued ${recovered.length} of them by itself`,
      )
    } finally {
      await communicator.close()
      await store.close()
    }
  }, 150_000)
})
