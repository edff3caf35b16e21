/**
 * `plumpy-ts dashboard`: the web dashboard over a store, on loopback by default, until SIGINT or
 * SIGTERM. With a broker: live updates and the pause, play and kill buttons.
 */
import { InvalidArgumentError, type Command } from 'commander'
import { redactUrl } from '../../comms/amqp/options.js'
import type { Communicator } from '../../comms/communicator.js'
import { startDashboard } from '../../dashboard/index.js'
import { consoleLogger } from '../../runtime/environment.js'
import { loadRegistry } from '../definitions.js'
import { CliError } from '../errors.js'
import { openBroker, openStore, storeOption } from '../connect.js'

interface DashboardCliOptions {
  readonly store: string
  readonly broker?: string
  readonly prefix: string
  readonly port: number
  readonly host: string
  readonly definitions?: string
  readonly metricsPort?: number
  readonly metricsHost: string
}

const port = (value: string): number => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new InvalidArgumentError(`'${value}' is not a port (0 to 65535; 0: any free port).`)
  return parsed
}

/** Registers `dashboard` on the program. */
export const dashboardCommand = (program: Command): void => {
  const command = program
    .command('dashboard')
    .description(
      'Serve the web dashboard: the stored processes with filters, one in detail with its ' +
        'outline and history; with --broker, live updates and pause, play, kill.',
    )
  storeOption(command)
    .option(
      '--broker <url>',
      'RabbitMQ URL: live updates and controls (env PLUMPY_BROKER)',
      process.env['PLUMPY_BROKER'],
    )
    .option(
      '--prefix <name>',
      'name prefix of the queue and exchanges (env PLUMPY_PREFIX)',
      process.env['PLUMPY_PREFIX'] ?? 'plumpy',
    )
    .option('--port <n>', 'port to listen on (0: any free port)', port, 8080)
    .option(
      '--host <address>',
      'address to listen on; the dashboard can pause and kill: keep it on loopback',
      '127.0.0.1',
    )
    .option('--definitions <module>', 'module exporting the definitions: draws their outlines')
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on http://<metrics-host>:<port>/metrics (0: any free port)',
      port,
    )
    .option('--metrics-host <address>', 'the address the metrics endpoint listens on', '127.0.0.1')
    .action((options: DashboardCliOptions) => dashboard(options))
}

const dashboard = async (options: DashboardCliOptions): Promise<void> => {
  const registry =
    options.definitions === undefined ? undefined : await loadRegistry(options.definitions)
  const store = await openStore(options.store)
  let communicator: Communicator | undefined
  try {
    if (options.broker !== undefined && options.broker !== '')
      communicator = await openBroker(
        { broker: options.broker, prefix: options.prefix },
        consoleLogger,
      )
    // Loaded on demand: prom-client is for dashboards that serve metrics only.
    const metrics =
      options.metricsPort === undefined
        ? undefined
        : new (await import('../../dashboard/metrics.js')).DashboardMetrics()
    const running = await startDashboard({
      store,
      ...(metrics === undefined ? {} : { observer: metrics }),
      ...(registry === undefined ? {} : { registry }),
      ...(communicator === undefined ? {} : { communicator }),
      port: options.port,
      host: options.host,
    }).catch((error: unknown) => {
      throw new CliError(
        `cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`,
      )
    })
    const broker = options.broker === undefined ? 'no broker' : redactUrl(options.broker)
    console.log(
      `plumpy-ts dashboard on ${running.url} (store ${redactUrl(options.store)}, ${broker})`,
    )
    const served = await metrics?.serve(options.metricsPort ?? 0, options.metricsHost)
    if (served !== undefined)
      console.log(`metrics on http://${options.metricsHost}:${served.port}/metrics`)
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await running.close()
    await served?.close()
  } finally {
    await communicator?.close()
    await store.close()
  }
}
