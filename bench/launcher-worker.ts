/**
 * The worker program of B7 and B9: an OS process of its own with an `AmqpCommunicator`, a
 * `Runner` without a store and a `ProcessLauncher` with 100 slots. It says `READY` on stdout once
 * it takes tasks, and stops when its parent closes its stdin (or dies).
 */
import {
  DefinitionRegistry,
  ProcessLauncher,
  Runner,
  processControl,
  silentLogger,
  type AnyDefinition,
} from '../lib/index.js'
import { AmqpCommunicator } from '../lib/comms/amqp/index.js'

/** Tasks (and so processes) a worker runs at once. */
export const SLOTS = 100

/** What a launcher worker runs, and where. */
export interface LauncherWorkerOptions {
  readonly url: string
  readonly prefix: string
  readonly definition: AnyDefinition
  /** Expose its processes for RPC (signals, status) and broadcast their state changes. */
  readonly control: boolean
}

/** Run the worker until stdin closes. */
export const runLauncherWorker = async (options: LauncherWorkerOptions): Promise<void> => {
  const { url, prefix } = options
  const communicator = await AmqpCommunicator.connect(url, { prefix, logger: silentLogger })
  const runner = new Runner({ logger: silentLogger })
  if (options.control) runner.use(processControl(communicator, { logger: silentLogger }))
  await new ProcessLauncher({
    runner,
    registry: DefinitionRegistry.of(options.definition),
  }).subscribe(communicator, SLOTS)
  process.stdout.write('READY\n')
  // The parent closes our stdin to stop us (and so does its death).
  process.stdin.resume()
  process.stdin.on('end', () => {
    void communicator.close().finally(() => process.exit(0))
  })
}
