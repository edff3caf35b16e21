/**
 * Nothing lost, nothing twice: two workers run 100 pipelines; one is killed (SIGKILL) mid-run;
 * the other finishes every pipeline from the checkpoints, and every launch gets its outputs.
 *
 * What "twice" means here, measured honestly: each step execution is recorded by the step
 * itself (a synchronous append to a file, see `examples/scaling/definitions.ts`), and each
 * committed checkpoint by a trigger in the database (with the name of the worker that wrote
 * it). A step may run again only when the killed worker ran it but never committed a checkpoint
 * past it; a step whose effect is in a committed checkpoint must never run again.
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
  prepareHistory,
  readExecutions,
  readHistory,
  removeTopology,
  scratchDir,
  startWorker,
  waitUntil,
  type Execution,
} from './harness.js'

const PIPELINES = 100
const ROUNDS = 8
const TERMINAL = new Set(['FINISHED', 'EXCEPTED', 'KILLED'])

describe('workers sharing a broker and a PostgreSQL store', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('nothing-lost')
  const dir = scratchDir('nothing-lost')
  const record = `${dir}/executions.log`

  beforeAll(async () => {
    db = await freshPgDatabase('worker_nothing_lost')
    await prepareHistory(db.url)
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('lose nothing and run no step twice past a checkpoint when one of them is killed', async () => {
    const env = { PLUMPY_SCALING_RECORD: record }
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, slots: 100, env }
    const [a, b] = await Promise.all([
      startWorker({ ...common, name: 'a' }),
      startWorker({ ...common, name: 'b' }),
    ])
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const controller = new RemoteProcessController(communicator)
    const started = Date.now()
    const pids = Array.from({ length: PIPELINES }, (_, i) => `pipeline-${i}`)
    const launches = pids.map((pid) =>
      controller.launchProcess(Pipeline, { n: ROUNDS }, { pid }).then(
        (outputs) => ({ pid, outputs }),
        (error: unknown) => ({ pid, error }),
      ),
    )

    // Mid-run: worker a has done some work, and much is left.
    const ranBy = (worker: { pid: number }) =>
      readExecutions(record).filter((e) => e.osPid === worker.pid && e.step === 'collect').length
    await waitUntil(
      'worker a to be a quarter through its share',
      () => ranBy(a) >= (PIPELINES * ROUNDS) / 8,
    )
    a.signal('SIGKILL')
    await a.exited
    const killedAt = readExecutions(record).length
    expect(killedAt).toBeLessThan(PIPELINES * ROUNDS * 2 * 0.75)

    const results = await Promise.all(launches)
    const elapsed = Date.now() - started
    await communicator.close()
    b.signal('SIGTERM')
    expect(await b.exited).toEqual({ code: 0, signal: null })

    // Every launch resolved with the right outputs.
    for (const result of results) {
      expect(result, result.pid).toHaveProperty('outputs')
      expect((result as { outputs: unknown }).outputs).toEqual({
        total: expectedTotal(ROUNDS),
        rounds: ROUNDS,
      })
    }

    // Each process ended once: the history of committed writes holds exactly one terminal
    // checkpoint per pid, FINISHED (a process run to its end twice, by both workers or twice by
    // one, would have written two). The exception: children whose creation was committed while
    // the step that launched them was not; that step ran again and launched another, and the
    // first stays CREATED, never run, awaited by nobody: no terminal write at all.
    const history = await readHistory(db.url)
    const ends = new Map<string, string[]>()
    for (const row of history)
      if (TERMINAL.has(row.state)) ends.set(row.pid, [...(ends.get(row.pid) ?? []), row.state])
    for (const pid of pids) expect(ends.get(pid), pid).toEqual(['FINISHED'])
    const store = new PostgresPersister({ connectionString: db.url })
    let orphans = 0
    try {
      for (const pid of pids)
        expect((await store.loadCheckpoint(pid)).snapshot.state._tag, pid).toBe('FINISHED')
      for (const { pid } of await store.getCheckpoints()) {
        if (pids.includes(pid)) continue
        const child = await store.loadCheckpoint(pid)
        expect(child.definition.name).toBe('Work')
        if (child.snapshot.state._tag === 'FINISHED') {
          expect(ends.get(pid), `child ${pid}`).toEqual(['FINISHED'])
          continue
        }
        orphans += 1
        expect(child.snapshot.state._tag, `child ${pid}`).toBe('CREATED')
        expect(ends.get(pid), `orphan ${pid}`).toBeUndefined()
      }
    } finally {
      await store.close()
    }

    // No step ran twice past a committed checkpoint.
    const committedByA = new Map<string, number>() // pipeline → rounds collected, as a committed
    for (const row of history)
      if (row.writer === 'a' && pids.includes(row.pid))
        committedByA.set(row.pid, Math.max(committedByA.get(row.pid) ?? 0, Number(row.ctx['i'])))
    const executions = readExecutions(record)
    const byStep = new Map<string, Execution[]>()
    for (const e of executions) {
      const key = `${e.pipeline} ${e.step} ${e.index}`
      byStep.set(key, [...(byStep.get(key) ?? []), e])
    }
    let again = 0
    const againIn = new Set<string>()
    for (const pid of pids)
      for (const step of ['work', 'collect'])
        for (let index = 0; index < ROUNDS; index++) {
          const runs = byStep.get(`${pid} ${step} ${index}`) ?? []
          expect(runs.length, `${pid} ${step} ${index}`).toBeGreaterThanOrEqual(1)
          if (runs.length === 1) continue
          again += 1
          againIn.add(pid)
          // Twice at most: once by the killed worker, once by the survivor, and only for a
          // round that no checkpoint committed by the killed worker had collected.
          expect(
            runs.map((run) => run.osPid),
            `${pid} ${step} ${index}`,
          ).toEqual([a.pid, b.pid])
          expect(index, `${pid} ${step} ${index} ran again`).toBeGreaterThanOrEqual(
            committedByA.get(pid) ?? 0,
          )
        }
    const lastByA = new Map<string, string>()
    for (const row of history) if (row.writer === 'a') lastByA.set(row.pid, row.state)
    const takenOver = pids.filter((pid) => (lastByA.get(pid) ?? 'FINISHED') !== 'FINISHED').length
    console.log(
      `nothing-lost: ${PIPELINES} pipelines x ${ROUNDS} rounds in ${elapsed} ms; worker a ` +
        `killed after ${killedAt} step executions, leaving ${takenOver} pipelines unfinished; ` +
        `${again} steps ran again (not checkpointed when a died), ${orphans} orphan children`,
    )
    expect(takenOver).toBeGreaterThan(0)
    // Write-ahead: a step waits for the checkpoints before it, so at any time a pipeline has at
    // most one step (here `collect` or its child's `work`) whose checkpoint is not committed yet.
    expect(again).toBe(againIn.size)
    expect(b.log()).toMatch(/\(redelivered\)/)
  }, 120_000)
})
