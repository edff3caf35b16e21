/** `plumpy-ts pause|play|kill <pid>`: control a live process through the worker that runs it. */
import type { Command } from 'commander'
import { UnroutableError } from '../../comms/errors.js'
import { RemoteProcessController } from '../../comms/controller.js'
import { CliError, EXIT, withTimeout } from '../errors.js'
import {
  brokerOptions,
  openBroker,
  pidArgument,
  positiveInteger,
  type BrokerOptions,
} from '../connect.js'

interface ControlOptions extends BrokerOptions {
  readonly message?: string
  readonly force?: boolean
  readonly timeout: number
}

type Action = 'pause' | 'play' | 'kill'

const PAST: Record<Action, string> = { pause: 'paused', play: 'played', kill: 'killed' }

/** Registers `pause`, `play` and `kill` on the program. */
export const controlCommands = (program: Command): void => {
  const define = (action: Action, description: string) => {
    const command = program
      .command(action)
      .description(description)
      .argument('<pid>', 'the process', pidArgument)
    brokerOptions(command).option(
      '--timeout <ms>',
      'how long to wait for the answer (a graceful pause or kill waits for the running step)',
      positiveInteger,
      30_000,
    )
    if (action !== 'play') command.option('--message <text>', 'why (kept as the status)')
    if (action === 'kill') command.option('--force', 'kill at once, without waiting for the step')
    command.action((pid: string, options: ControlOptions) => control(action, pid, options))
  }
  define('pause', 'Pause a live process (after its running step).')
  define('play', 'Play a paused process.')
  define('kill', 'Kill a live process (after its running step, unless --force).')
}

const control = async (action: Action, pid: string, options: ControlOptions): Promise<void> => {
  const communicator = await openBroker(options)
  try {
    const controller = new RemoteProcessController(communicator)
    const request =
      action === 'pause'
        ? controller.pauseProcess(pid, options.message)
        : action === 'play'
          ? controller.playProcess(pid)
          : controller.killProcess(pid, options.message, { force: options.force === true })
    const done = await withTimeout(request, options.timeout, `from the worker running ${pid}`)
    if (!done)
      throw new CliError(`process ${pid} was not ${PAST[action]}: it has terminated`, EXIT.refused)
    console.log(`${pid} ${PAST[action]}`)
  } catch (error) {
    if (error instanceof UnroutableError)
      throw new CliError(
        `process ${pid} is not live on any worker: it has terminated (plumpy-ts show) or waits ` +
          'to be revived (plumpy-ts revive)',
        EXIT.notFound,
      )
    throw error
  } finally {
    await communicator.close()
  }
}
