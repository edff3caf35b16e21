/**
 * `plumpy-ts worker`: run processes for the tasks of a broker, checkpointed into a shared store,
 * until SIGTERM (or SIGINT), then stop gracefully: the processes it ran are paused, written and
 * handed back to the queue for the other workers.
 */
import { hostname } from 'node:os'
import type { Command } from 'commander'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../comms/communicator.js'
import { workerLogger } from '../../worker/events.js'
import { Worker } from '../../worker/worker.js'
import { loadRegistry } from '../definitions.js'
import {
  brokerOptions,
  isPostgresUrl,
  openBroker,
  openOwnership,
  openStore,
  positiveInteger,
  storeOption,
  workerStoreUrl,
  type BrokerOptions,
  type StoreOptions,
} from '../connect.js'

interface WorkerCommandOptions extends BrokerOptions, StoreOptions {
  readonly definitions: string
  readonly slots: number
  readonly holdLimitMs: number
  readonly name: string
  readonly controlBroadcasts: boolean
  readonly maxMessageBytes: number
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
    .action((options: WorkerCommandOptions) => runWorker(options))
}

const defaultName = () => `${hostname()}-${process.pid}`

const runWorker = async (options: WorkerCommandOptions): Promise<void> => {
  const registry = await loadRegistry(options.definitions)
  // The ownership may be lost before the worker exists: remember it for the worker.
  const started: { worker?: Worker; lost?: Error } = {}
  const ownership = await openOwnership(options.store, options.name, (error) => {
    started.lost = error
    void started.worker?.abort(error)
  })
  const store = await openStore(workerStoreUrl(options.store, options.name))
  const logger = workerLogger(options.name)
  const communicator = await openBroker(options, logger, {
    maxMessageBytes: options.maxMessageBytes,
  })
  if (!isPostgresUrl(options.store))
    console.log(
      `[worker ${options.name}] the store is not PostgreSQL: claims are kept in this program, ` +
        'so run a single worker on this store',
    )
  const running = await Worker.start({
    name: options.name,
    communicator,
    store,
    ownership,
    registry,
    slots: options.slots,
    holdLimitMs: options.holdLimitMs,
    controlBroadcasts: options.controlBroadcasts,
    logger,
  })
  started.worker = running
  const stopped = new Promise<number>((resolve) => {
    let stopping = false
    // A second signal must not cut the graceful stop short (a terminal sends SIGINT twice, a
    // supervisor may repeat SIGTERM): it is noted and the stop goes on.
    const stop = (signal: string) => {
      if (started.lost !== undefined) return
      if (stopping) {
        console.log(`[worker ${options.name}] ${signal} again; still stopping gracefully`)
        return
      }
      stopping = true
      void running.shutdown(signal).then(
        () => resolve(0),
        (error: unknown) => {
          console.error(`plumpy-ts: worker ${options.name} did not stop cleanly: ${String(error)}`)
          resolve(1)
        },
      )
    }
    process.on('SIGTERM', () => stop('SIGTERM'))
    process.on('SIGINT', () => stop('SIGINT'))
    if (started.lost !== undefined) void running.abort(started.lost)
    void running.stopped.then((how) => {
      if (how.reason === 'lost') resolve(1)
    })
  })
  // Stray handles (a task that waits on a paused process) must not keep a stopped worker alive.
  process.exit(await stopped)
}
