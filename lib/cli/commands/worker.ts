/**
 * `plumpy-ts worker`: run processes for the tasks of a broker, checkpointed into a shared store,
 * until SIGTERM (or SIGINT), then stop gracefully: the processes it ran are paused, written and
 * handed back to the queue for the other workers.
 *
 * A worker that lost some of its claims to another worker (its lease died while it lived, see
 * `postgres-ownership.ts`) stops those processes at once, as it must, and then starts again
 * here, with a new lease and new connections: nothing needs a person to restart it.
 */
import { parseDurability, type Durability } from '../../runtime/durability.js'
import { hostname } from 'node:os'
import type { Command } from 'commander'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../comms/communicator.js'
import type { OrphanFinder } from '../../worker/recovery.js'
import type { Logger } from '../../runtime/environment.js'
import type { WorkerMetrics } from '../../worker/metrics.js'
import { Worker } from '../../worker/worker.js'
import type { ChannelModel } from 'amqplib'
import { loadRegistry } from '../definitions.js'
import { cliLogger, logOptions, type LogOptions } from '../operate/logging.js'
import {
  brokerOptions,
  isPostgresUrl,
  nonNegativeInteger,
  openBroker,
  openOwnership,
  openStore,
  positiveInteger,
  storeOption,
  workerStoreUrl,
  type BrokerOptions,
  type StoreOptions,
} from '../connect.js'

interface WorkerCommandOptions extends BrokerOptions, StoreOptions, LogOptions {
  readonly definitions: string
  readonly slots: number
  readonly holdLimitMs: number
  readonly name: string
  readonly controlBroadcasts: boolean
  readonly maxMessageBytes: number
  readonly leaseMs: number
  readonly recoverEveryMs: number
  readonly timerPollMs: number
  readonly pruneAfterMs: number
  readonly durability: Durability
  readonly metricsPort?: number
  readonly metricsHost: string
}

/** Registers `worker` on the program. */
export const workerCommand = (program: Command): void => {
  const command = program
    .command('worker')
    .description(
      'Run processes for the tasks of a broker, checkpointing every transition into the store; ' +
        'stop gracefully on SIGTERM.',
    )
  brokerOptions(command)
  storeOption(command)
    .requiredOption('--definitions <module>', 'module exporting the definitions (or a registry)')
    .option(
      '--slots <n>',
      'processes run at once (and tasks held unacknowledged: the prefetch)',
      positiveInteger,
      100,
    )
    .option(
      '--hold-limit-ms <ms>',
      'hand a task held longer than this on to a continue task once its process is ' +
        "checkpointed (keep it below the broker's consumer_timeout)",
      positiveInteger,
      600_000,
    )
    .option('--name <id>', 'worker id, in the log and as the owner of its processes', defaultName())
    .option(
      '--no-control-broadcasts',
      'refuse pause/play/kill broadcasts (pauseAll, …): processes obey RPC to their pid only',
    )
    .option(
      '--max-message-bytes <n>',
      'refuse messages larger than this, unread, and send none larger',
      positiveInteger,
      DEFAULT_MAX_MESSAGE_BYTES,
    )
    .option(
      '--lease-ms <ms>',
      'PostgreSQL: how long the claims of this worker outlive a database restart (it must ' +
        'reconnect within that time to keep them)',
      positiveInteger,
      30_000,
    )
    .option(
      '--recover-every-ms <ms>',
      'PostgreSQL: continue, at start and then this often, stored processes that no live ' +
        'worker holds (0: never; plumpy-ts revive does it by hand)',
      nonNegativeInteger,
      30_000,
    )
    .option(
      '--timer-poll-ms <ms>',
      'claim and continue, this often, processes whose timers are due and that no live worker ' +
        'holds (their worker died while they slept; 0: never)',
      nonNegativeInteger,
      500,
    )
    .option(
      '--prune-after-ms <ms>',
      'PostgreSQL, with recovery: delete orphan children (awaited by nothing) this old',
      nonNegativeInteger,
      600_000,
    )
    .option(
      '--durability <mode>',
      'strict: no step starts before the checkpoint before it is committed; batched: steps run ' +
        'ahead of the commits, a process ends once its last is committed; async: see the README',
      (text: string) => parseDurability(text, '--durability'),
      'batched',
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on http://<metrics-host>:<port>/metrics (0: any free port, ' +
        'printed at start)',
      nonNegativeInteger,
    )
    .option('--metrics-host <address>', 'the address the metrics endpoint listens on', '127.0.0.1')
  logOptions(command).action((options: WorkerCommandOptions) => runWorker(options))
}

const defaultName = () => `${hostname()}-${process.pid}`

/** The pause before a worker that lost claims starts again (its connections need to go). */
const RESTART_DELAY_MS = 1_000

const runWorker = async (options: WorkerCommandOptions): Promise<void> => {
  const registry = await loadRegistry(options.definitions)
  const logger = cliLogger(options.name, options)
  const say = (text: string) => logger.info(text)
  const metrics = options.metricsPort === undefined ? undefined : await serveMetrics(options, say)
  let signal: string | undefined
  let onSignal: (signal: string) => void = () => undefined
  const signalled = new Promise<string>((resolve) => (onSignal = resolve))
  // A second signal must not cut the graceful stop short (a terminal sends SIGINT twice, a
  // supervisor may repeat SIGTERM): it is noted and the stop goes on.
  const stop = (received: string) => {
    if (signal !== undefined) say(`${received} again; still stopping gracefully`)
    else onSignal((signal = received))
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))

  let code = 0
  for (let incarnation = 1; ; incarnation++) {
    if (incarnation > 1) say(`starting again (${incarnation})`)
    const worker = await startWorker({ options, registry, logger, metrics })
    const next = await Promise.race([worker.stopped, signalled])
    if (typeof next === 'string') {
      // A worker stopping anyway (lost claims) answers with that stop: it wrote nothing more.
      code = await worker.shutdown(next).then(
        (how) => (how.reason === 'shutdown' ? 0 : 1),
        (error: unknown) => {
          logger.error(`did not stop cleanly: ${String(error)}`)
          return 1
        },
      )
      break
    }
    if (signal !== undefined) {
      code = 1
      break
    }
    await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS))
  }
  // Stray handles (a task that waits on a paused process) must not keep a stopped worker alive.
  process.exit(code)
}

/** The metrics of the worker, and where their gauges read what the broker knows. */
interface ServedMetrics {
  readonly metrics: WorkerMetrics
  /** Told of each connection to the broker: the first, then reconnections. */
  readonly onConnect: (model: ChannelModel) => void
}

const serveMetrics = async (
  options: WorkerCommandOptions,
  say: (text: string) => void,
): Promise<ServedMetrics> => {
  let model: ChannelModel | undefined
  let connections = 0
  const queue = `${options.prefix}.tasks`
  // Loaded on demand: prom-client is for workers that serve metrics only.
  const { WorkerMetrics } = await import('../../worker/metrics.js')
  const metrics = new WorkerMetrics(async () => {
    if (model === undefined) return undefined
    const channel = await model.createChannel()
    try {
      return (await channel.checkQueue(queue)).messageCount
    } finally {
      await channel.close().catch(() => undefined)
    }
  })
  const server = await metrics.serve(options.metricsPort ?? 0, options.metricsHost)
  say(`metrics on http://${options.metricsHost}:${server.port}/metrics`)
  return {
    metrics,
    onConnect: (connected) => {
      model = connected
      if (++connections > 1) metrics.reconnected()
    },
  }
}

/** What {@link startWorker} needs. */
interface StartWorkerOptions {
  readonly options: WorkerCommandOptions
  readonly registry: Awaited<ReturnType<typeof loadRegistry>>
  readonly logger: Logger
  readonly metrics: ServedMetrics | undefined
}

/** Opens the connections and starts one worker on them. */
const startWorker = async ({
  options,
  registry,
  logger,
  metrics,
}: StartWorkerOptions): Promise<Worker> => {
  // Claims may be lost before the worker exists: remember it for the worker.
  const started: { worker?: Worker; lost?: string } = {}
  const store = await openStore(workerStoreUrl(options.store, options.name))
  const ownership = await openOwnership({
    storeUrl: options.store,
    store,
    name: options.name,
    leaseMs: options.leaseMs,
    logger,
    onLost: (pids) => {
      started.lost = `${pids.length} taken over while the database was out of reach`
      void started.worker?.abort(started.lost)
    },
  })
  const communicator = await openBroker(options, logger, {
    maxMessageBytes: options.maxMessageBytes,
    ...(metrics === undefined ? {} : { onConnect: metrics.onConnect }),
  })
  const postgres = isPostgresUrl(options.store)
  if (!postgres)
    logger.info(
      'the store is not PostgreSQL: claims are kept in this program, so run a single worker ' +
        'on this store',
    )
  const orphans = postgres ? await orphanFinder(store) : undefined
  const worker = await Worker.start({
    name: options.name,
    communicator,
    store,
    ownership,
    registry,
    slots: options.slots,
    holdLimitMs: options.holdLimitMs,
    controlBroadcasts: options.controlBroadcasts,
    logger,
    recoverEveryMs: postgres ? options.recoverEveryMs : 0,
    timerPollMs: options.timerPollMs,
    pruneAfterMs: options.pruneAfterMs,
    durability: options.durability,
    ...(orphans === undefined ? {} : { orphans }),
    ...(metrics === undefined ? {} : { metrics: metrics.metrics }),
  })
  started.worker = worker
  if (started.lost !== undefined) void worker.abort(started.lost)
  return worker
}

const orphanFinder = async (
  store: Awaited<ReturnType<typeof openStore>>,
): Promise<OrphanFinder> => {
  const { PostgresPersister } = await import('../../persistence/postgres/persister.js')
  if (!(store instanceof PostgresPersister))
    throw new Error('a postgres:// store is not PostgreSQL')
  return (olderThanMs, limit) => store.orphanCandidates(olderThanMs, limit)
}
