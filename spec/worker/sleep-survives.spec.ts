/**
 * A process asleep on a worker that dies is woken by another worker when it falls due, without
 * `plumpy-ts revive`: the store indexes its deadline, and workers claim due processes that no
 * live worker holds. Launched `nowait` (no task left in the broker once it is checkpointed) and
 * with recovery rounds off, nothing else could continue it.
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import type { Persister } from '../../lib/persistence/persister.js'
import type { DeadlineIndex } from '../../lib/persistence/deadlines.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { PostgresClaims } from '../../lib/worker/postgres-ownership.js'
import { Sleeper } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  readExecutions,
  removeTopology,
  scratchDir,
  startWorker,
  waitUntil,
  type WorkerProcess,
} from './harness.js'

/** Launches a `Sleeper` of `ms` `nowait` and reads its deadline from the store's index. */
const launchSleeper = async (options: {
  readonly prefix: string
  readonly pid: string
  readonly ms: number
  readonly store: DeadlineIndex
}) => {
  const { prefix, pid, ms, store } = options
  const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
  try {
    const controller = new RemoteProcessController(communicator)
    await controller.launchProcess(Sleeper, { ms }, { pid, nowait: true })
  } finally {
    await communicator.close()
  }
  let deadline: number | undefined
  await waitUntil(`${pid}'s deadline to be indexed`, async () => {
    deadline = (await store.dueProcesses(Number.MAX_SAFE_INTEGER, 10)).find(
      (entry) => entry.pid === pid,
    )?.deadline
    return deadline !== undefined
  })
  return deadline!
}

/** Waits for `pid` to finish, and checks how its waking went against the stored deadline. */
const expectWokenOnce = async (options: {
  readonly store: Persister & DeadlineIndex
  readonly pid: string
  readonly deadline: number
  readonly record: string
  readonly by: WorkerProcess
}) => {
  const { store, pid, deadline, record, by } = options
  await waitUntil(
    `${pid} to finish`,
    async () => (await store.loadCheckpoint(pid)).snapshot.state._tag === 'FINISHED',
  )
  const finished = await store.loadCheckpoint(pid)
  expect(finished.snapshot.outputs).toEqual({ deadline })
  // The step after the sleep ran exactly once, on the surviving worker, on time.
  const woke = readExecutions(record).filter((e) => e.pipeline === pid && e.step === 'woke')
  expect(woke.map((e) => e.osPid)).toEqual([by.pid])
  const late = (woke[0]?.index ?? Number.NaN) - deadline
  expect(late).toBeGreaterThanOrEqual(0)
  expect(late).toBeLessThan(1_000)
  expect(by.log()).toMatch(new RegExp(`${pid} fell due with no live worker: continuing it`))
  expect(await store.dueProcesses(Number.MAX_SAFE_INTEGER, 10)).toEqual([])
}

/**
 * A fresh PostgreSQL database and queue prefix for one `describe`, dropped after it; `common`
 * is how its workers are started (recovery rounds off: only due timers may continue a process).
 */
const onPostgres = (name: string) => {
  const setup = {
    db: undefined as FreshDatabase | undefined,
    store: undefined as PostgresPersister | undefined,
    prefix: freshPrefix(name),
    dir: scratchDir(name),
    get record() {
      return `${this.dir}/executions.log`
    },
    common() {
      return {
        broker: amqpUrl(),
        store: this.db!.url,
        prefix: this.prefix,
        dir: this.dir,
        env: { PLUMPY_SCALING_RECORD: this.record },
        recoverEveryMs: 0,
      }
    },
  }
  beforeAll(async () => {
    setup.db = await freshPgDatabase(`worker_${name.replace(/-/g, '_')}`)
    setup.store = new PostgresPersister({ connectionString: setup.db.url })
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), setup.prefix).catch(() => undefined)
    await setup.store?.close()
    await setup.db?.drop()
  })
  return setup
}

describe('a sleeping process whose worker is SIGKILLed (PostgreSQL)', () => {
  const setup = onPostgres('sleep-survives')

  it('is woken by another worker within a second of its deadline, exactly once', async () => {
    const common = setup.common()
    const [store, prefix, record] = [setup.store!, setup.prefix, setup.record]
    const workers = [
      await startWorker({ ...common, name: 'a' }),
      await startWorker({ ...common, name: 'b' }),
    ]
    const pid = 'sleeper-pg'
    const deadline = await launchSleeper({ prefix, pid, ms: 3_000, store })
    // Whichever took the task holds it; the other must wake it.
    const owner = await new PostgresClaims(store).ownerOf(pid)
    const holder = workers.find((worker) => worker.name === owner)
    const other = workers.find((worker) => worker.name !== owner)
    expect(holder).toBeDefined()
    expect(Date.now()).toBeLessThan(deadline)
    holder!.signal('SIGKILL')
    await holder!.exited
    await expectWokenOnce({ store, pid, deadline, record, by: other! })
    other!.signal('SIGTERM')
    expect((await other!.exited).code).toBe(0)
  }, 120_000)
})

describe('a sleeping process held past the hold limit (PostgreSQL)', () => {
  const setup = onPostgres('sleep-handed-on')

  it('hands its task on, and the worker holding it fires it once; the sender gets the outputs', async () => {
    const common = { ...setup.common(), holdLimitMs: 300 }
    const [prefix, record] = [setup.prefix, setup.record]
    const workers = [
      await startWorker({ ...common, name: 'a' }),
      await startWorker({ ...common, name: 'b' }),
    ]
    const pid = 'sleeper-held'
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    try {
      const controller = new RemoteProcessController(communicator)
      const outputs = await controller.launchProcess(Sleeper, { ms: 3_000 }, { pid })
      // The worker that runs it logs its transitions (`<Definition> <pid> <step>: from -> to`, at
      // debug); a worker following it logs none.
      const sleeping = new RegExp(`${pid}(?: [^:\\s]+)?: RUNNING -> WAITING`)
      const holder = workers.find((worker) => sleeping.test(worker.log()))
      expect(holder).toBeDefined()
      expect(holder!.log()).toContain(`${pid} task handed on to a continue task`)
      const woke = readExecutions(record).filter((e) => e.pipeline === pid && e.step === 'woke')
      expect(woke.map((e) => e.osPid)).toEqual([holder!.pid])
      expect(outputs).toEqual({ deadline: expect.any(Number) })
      expect(holder!.log()).not.toMatch(/fell due with no live worker/)
    } finally {
      await communicator.close()
    }
  }, 120_000)
})

describe('a sleeping process whose only worker is SIGKILLed (SQLite)', () => {
  const prefix = freshPrefix('sleep-survives-sqlite')
  const dir = scratchDir('sleep-survives-sqlite')
  const record = `${dir}/executions.log`
  const path = join(mkdtempSync(join(dir, 'db-')), 'store.db')
  let store: SqlitePersister

  beforeAll(() => {
    store = new SqlitePersister({ path })
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await store?.close()
  })

  // A SQLite store is served by one worker at a time (its claims live in that program): the
  // worker that takes over is started once the first is dead, so the sleep leaves it the time
  // to start.
  it('is woken by the next worker on the store within a second of its deadline, exactly once', async () => {
    const common = {
      broker: amqpUrl(),
      store: `sqlite:${path}`,
      prefix,
      dir,
      env: { PLUMPY_SCALING_RECORD: record },
    }
    const a = await startWorker({ ...common, name: 'a' })
    const pid = 'sleeper-sqlite'
    const deadline = await launchSleeper({ prefix, pid, ms: 10_000, store })
    await a.waitForLog(new RegExp(`${pid}.*WAITING`))
    a.signal('SIGKILL')
    await a.exited
    const b = await startWorker({ ...common, name: 'b' })
    expect(Date.now()).toBeLessThan(deadline)
    await expectWokenOnce({ store, pid, deadline, record, by: b })
    b.signal('SIGTERM')
    expect((await b.exited).code).toBe(0)
  }, 120_000)
})
