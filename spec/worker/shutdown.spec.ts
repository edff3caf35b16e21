/**
 * Graceful shutdown: a worker told to stop (SIGTERM) pauses its processes between two steps,
 * writes their checkpoints, releases them and gives their tasks back; another worker finishes
 * them from there. Nothing runs twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
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

const WAITED = 20
const NOWAIT = 10
const ROUNDS = 80

describe('a worker stopped with SIGTERM (sent twice)', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('shutdown')
  const dir = scratchDir('shutdown')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    db = await freshPgDatabase('worker_shutdown')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('hands its processes, checkpointed and paused, to another worker which finishes them', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, env }
    const [a, b] = await Promise.all([
      startWorker({ ...common, name: 'a' }),
      startWorker({ ...common, name: 'b' }),
    ])
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const controller = new RemoteProcessController(communicator)
    const waited = Array.from({ length: WAITED }, (_, i) => `waited-${i}`)
    const detached = Array.from({ length: NOWAIT }, (_, i) => `nowait-${i}`)
    const outputs = waited.map((pid) => controller.launchProcess(Pipeline, { n: ROUNDS }, { pid }))
    const launched = Promise.all(
      detached.map((pid) =>
        controller.launchProcess(Pipeline, { n: ROUNDS }, { pid, nowait: true }),
      ),
    )
    const total = (WAITED + NOWAIT) * ROUNDS * 2
    await waitUntil(
      'worker a to be well into its share',
      () => readExecutions(record).filter((e) => e.osPid === a.pid).length >= total / 20,
    )
    expect(await launched).toEqual(detached)
    const started = Date.now()
    a.signal('SIGTERM')
    // A repeated signal (a supervisor's retry, a second Ctrl-C) does not cut the stop short.
    await waitUntil('worker a to start stopping', () => /SIGTERM: shutting down/.test(a.log()))
    a.signal('SIGTERM')
    expect(await a.exited).toEqual({ code: 0, signal: null })
    const stopMs = Date.now() - started

    const log = a.log()
    expect(log).toMatch(/SIGTERM: shutting down/)
    expect(log).toMatch(/SIGTERM again; still stopping gracefully/)
    expect(log).toMatch(/stopped taking tasks/)
    const paused = Number(/paused (\d+) processes/.exec(log)?.[1])
    expect(paused).toBeGreaterThan(0)
    expect(log).toMatch(/checkpoints written/)
    // Pipelines launched to be waited for go back with their task; the others get a continue.
    const handedBack = /(\d+) tasks go back to the queue, (\d+) continue tasks sent/.exec(log)
    const back = Number(handedBack?.[1])
    const continued = Number(handedBack?.[2])
    expect(back).toBeGreaterThan(0)
    expect(continued).toBeGreaterThan(0)
    // One claim per pipeline, its children included.
    expect(log).toMatch(new RegExp(`released ${back + continued} claims`))
    expect(back + continued).toBeLessThanOrEqual(paused)
    expect(log).toMatch(/\] stopped\n/)

    // The waiting launches get their outputs from worker b; the others end in the store.
    for (const result of await Promise.all(outputs))
      expect(result).toEqual({ total: expectedTotal(ROUNDS), rounds: ROUNDS })
    const store = new PostgresPersister({ connectionString: db.url })
    try {
      await waitUntil('the detached pipelines to finish', async () => {
        const states = await Promise.all(
          detached.map(async (pid) => (await store.loadCheckpoint(pid)).snapshot.state._tag),
        )
        return states.every((state) => state === 'FINISHED')
      })
      for (const pid of [...waited, ...detached]) {
        const stored = await store.loadCheckpoint(pid)
        expect(stored.snapshot.paused, pid).toBe(false)
        expect(stored.snapshot.outputs, pid).toEqual({
          total: expectedTotal(ROUNDS),
          rounds: ROUNDS,
        })
      }
    } finally {
      await store.close()
    }
    await communicator.close()
    b.signal('SIGTERM')
    expect((await b.exited).code).toBe(0)

    // Every step ran exactly once: worker a wrote every checkpoint before it let go.
    const executions = readExecutions(record)
    const seen = new Map<string, number>()
    for (const e of executions) {
      const key = `${e.pipeline} ${e.step} ${e.index}`
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
    expect([...seen.values()].every((count) => count === 1)).toBe(true)
    expect(seen.size).toBe((WAITED + NOWAIT) * ROUNDS * 2)
    const byA = executions.filter((e) => e.osPid === a.pid).length
    expect(byA).toBeGreaterThan(0)
    expect(byA).toBeLessThan(executions.length)
    console.log(
      `shutdown: worker a stopped in ${stopMs} ms after ${byA} of ${executions.length} step ` +
        `executions, pausing ${paused} processes (${back} tasks back to the queue, ` +
        `${continued} continue tasks); worker b finished the rest`,
    )
  }, 120_000)
})

describe('a worker stopped while senders wait on launches it handed on', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('shutdown-acked')
  const dir = scratchDir('shutdown-acked')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    db = await freshPgDatabase('worker_shutdown_acked')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  // Long enough that they are still running when worker a stops.
  const LONG = 400

  it('hands each waiting sender to the worker that finishes the process', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, env }
    // Only worker a takes the launches; at its hold limit it hands them on to continue tasks.
    const a = await startWorker({ ...common, name: 'a', holdLimitMs: 200 })
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const controller = new RemoteProcessController(communicator)
    const pids = Array.from({ length: 8 }, (_, i) => `acked-${i}`)
    const outputs = pids.map((pid) => controller.launchProcess(Pipeline, { n: LONG }, { pid }))
    await waitUntil('every launch to be handed on', () =>
      pids.every((pid) => a.log().includes(`${pid} task handed on to a continue task`)),
    )
    const b = await startWorker({ ...common, name: 'b' })
    a.signal('SIGTERM')
    expect(await a.exited).toEqual({ code: 0, signal: null })

    for (const result of await Promise.all(outputs))
      expect(result).toEqual({ total: expectedTotal(LONG), rounds: LONG })
    await communicator.close()
    b.signal('SIGTERM')
    expect((await b.exited).code).toBe(0)
    const seen = new Set<string>()
    for (const e of readExecutions(record)) {
      const key = `${e.pipeline} ${e.step} ${e.index}`
      expect(seen.has(key), `${key} ran twice`).toBe(false)
      seen.add(key)
    }
    expect(seen.size).toBe(pids.length * LONG * 2)
  }, 120_000)
})
