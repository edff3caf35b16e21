/**
 * What the soak run runs on: a RabbitMQ and a PostgreSQL of its own (scripts/services, in the
 * run's directory, on free loopback ports), and two `plumpy-ts worker` processes on them, as
 * the worker specs start them. Also the disruptions: a worker killed (SIGKILL) and replaced as a
 * supervisor would, the broker restarted, the database stopped for a while and started again.
 */
import { fileURLToPath } from 'node:url'
import {
  restartBroker,
  startPrivateBroker,
  startPrivatePostgres,
  type PrivateBroker,
  type PrivatePostgres,
} from '../../spec/support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  startWorker,
  type WorkerProcess,
} from '../../spec/worker/harness.js'

/** How to start the cluster. */
export interface ClusterOptions {
  /** The run's directory: servers, worker logs, the executions record. */
  readonly dir: string
  readonly slots: number
  /** PostgreSQL with its durable defaults (`PLUMPY_PG_DURABLE=1`). */
  readonly durable: boolean
  /** Where the workers' steps record their executions (`PLUMPY_SOAK_RECORD`). */
  readonly record: string
  /** Runs on the empty database before any worker starts (the commit history's trigger). */
  readonly prepare: (storeUrl: string) => Promise<void>
}

/** The module the workers load: the soak's own definitions. */
const SOAK_DEFINITIONS = fileURLToPath(new URL('definitions.ts', import.meta.url))

/** Orphans this old are pruned by the workers' recovery rounds, so that a run sees it happen. */
const PRUNE_AFTER_MS = 60_000

/** Two workers on a broker and a database of their own. */
export class Cluster {
  /** The workers that run now (a killed one is replaced in place). */
  readonly workers: WorkerProcess[] = []
  /** Every worker started, the killed one included. */
  readonly everyWorker: WorkerProcess[] = []
  readonly prefix = freshPrefix('soak')
  private started = 0

  private constructor(
    private readonly options: ClusterOptions,
    readonly broker: PrivateBroker,
    readonly db: PrivatePostgres,
  ) {}

  /** Starts both servers, prepares the database, then starts two workers. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    // The service helpers place their directories under PLUMPY_TEST_TMP, and postgres.sh reads
    // PLUMPY_PG_DURABLE: both come from this program's environment.
    process.env['PLUMPY_TEST_TMP'] = options.dir
    if (options.durable) process.env['PLUMPY_PG_DURABLE'] = '1'
    const [broker, db] = await Promise.allSettled([startPrivateBroker(), startPrivatePostgres()])
    if (broker.status === 'rejected' || db.status === 'rejected') {
      await Promise.all([
        broker.status === 'fulfilled' ? broker.value.stop() : undefined,
        db.status === 'fulfilled' ? db.value.stop() : undefined,
      ])
      throw broker.status === 'rejected' ? broker.reason : (db as PromiseRejectedResult).reason
    }
    const cluster = new Cluster(options, broker.value, db.value)
    try {
      await options.prepare(cluster.storeUrl)
      await Promise.all([cluster.startOne(), cluster.startOne()])
      return cluster
    } catch (error) {
      await cluster.close()
      throw error
    }
  }

  /** The store URL the workers use. */
  get storeUrl(): string {
    return this.db.url
  }

  private async startOne(): Promise<WorkerProcess> {
    this.started += 1
    const worker = await startWorker({
      name: `w${this.started}`,
      broker: this.broker.url,
      store: this.db.url,
      prefix: this.prefix,
      dir: this.options.dir,
      slots: this.options.slots,
      pruneAfterMs: PRUNE_AFTER_MS,
      definitions: SOAK_DEFINITIONS,
      env: { PLUMPY_SOAK_RECORD: this.options.record },
    })
    this.workers.push(worker)
    this.everyWorker.push(worker)
    return worker
  }

  /**
   * SIGKILLs the first worker and starts another in its place at once, as a supervisor with
   * `Restart=always` would. Resolves to the names of the killed and the new worker.
   */
  async killAndReplace(): Promise<{ killed: string; replacement: string }> {
    const victim = this.workers.shift()
    if (victim === undefined) throw new Error('no worker is running to be killed')
    victim.signal('SIGKILL')
    await victim.exited
    const replacement = await this.startOne()
    return { killed: victim.name, replacement: replacement.name }
  }

  /** Stops the broker and boots it again with its data; resolves once it takes connections. */
  restartBroker(): Promise<void> {
    return restartBroker(this.broker)
  }

  /** Stops PostgreSQL (fast shutdown: every session ends), waits `outageMs`, starts it again. */
  async restartDatabase(outageMs: number): Promise<void> {
    await this.db.halt()
    await new Promise((resolve) => setTimeout(resolve, outageMs))
    await this.db.resume()
  }

  /** SIGTERMs the running workers; resolves to how each exited. */
  async stopWorkers(): Promise<{ name: string; code: number | null; signal: string | null }[]> {
    for (const worker of this.workers) worker.signal('SIGTERM')
    return Promise.all(
      this.workers.map(async (worker) => ({ name: worker.name, ...(await worker.exited) })),
    )
  }

  /** Kills whatever worker is left and stops both servers; never throws. */
  async close(): Promise<void> {
    await killAllWorkers().catch(() => undefined)
    await Promise.all([
      this.broker.stop().catch((error: unknown) => console.error(`broker stop: ${String(error)}`)),
      this.db.stop().catch((error: unknown) => console.error(`database stop: ${String(error)}`)),
    ])
  }
}
