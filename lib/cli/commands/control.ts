/**
 * `plumpy-ts pause|play|kill <pid>`, `plumpy-ts signal <pid> <name> '<json>'` and
 * `plumpy-ts resume <pid> '<json>'` (the signal without a name): control a live process through
 * the worker that runs it.
 * A process that no worker runs is looked up in the store (`--store`, or PLUMPY_STORE) to say
 * which it is: terminated (refused, exit 1), waiting for a worker (exit 3), or unknown (exit 3).
 */
import { InvalidArgumentError, type Command } from 'commander'
import { RemoteError, UnroutableError } from '../../comms/errors.js'
import { RemoteProcessController } from '../../comms/controller.js'
import { isTerminal } from '../../process/state.js'
import { loadStoredProcess } from '../../worker/inspect.js'
import { systemClock } from '../../runtime/environment.js'
import { CliError, EXIT, withTimeout } from '../errors.js'
import { controlAll, type ControlAction } from '../operate/control-all.js'
import { filterOf, filterOptions, type FilterOptions } from '../operate/filters.js'
import {
  brokerOptions,
  openBroker,
  openStore,
  pidArgument,
  positiveInteger,
  storeOption,
  type BrokerOptions,
} from '../connect.js'

interface ControlOptions extends BrokerOptions, FilterOptions {
  readonly store?: string
  readonly all?: boolean
  readonly yes?: boolean
  readonly message?: string
  readonly force?: boolean
  readonly timeout: number
}

type Action = ControlAction

/** What the commands that send a signal (named, or a resume) are called. */
type Sending = 'signal' | 'resume'

const PAST: Record<Action | Sending, string> = {
  pause: 'paused',
  play: 'played',
  kill: 'killed',
  signal: 'signalled',
  resume: 'resumed',
}

/** Registers `pause`, `play` and `kill` on the program. */
export const controlCommands = (program: Command): void => {
  const define = (action: Action, description: string) => {
    const command = program
      .command(action)
      .description(description)
      .argument('[pid]', 'the process (or --all)', pidArgument)
    brokerOptions(command)
    filterOptions(
      command
        .option('--all', 'every live process of the store (--store) that the filters select')
        .option('--yes', 'with --all: do not ask for confirmation'),
    )
    storeOption(command, false).option(
      '--timeout <ms>',
      'how long to wait for the answer (a graceful pause or kill waits for the running step)',
      positiveInteger,
      30_000,
    )
    if (action !== 'play') command.option('--message <text>', 'why (kept as the status)')
    if (action === 'kill') command.option('--force', 'kill at once, without waiting for the step')
    command.action((pid: string | undefined, options: ControlOptions) =>
      options.all === true ? controlEvery(action, pid, options) : control(action, pid, options),
    )
  }
  define('pause', 'Pause a live process (after its running step).')
  define('play', 'Play a paused process.')
  define('kill', 'Kill a live process (after its running step, unless --force).')
  const signal = program
    .command('signal')
    .description('Send a signal to a live process (kept in its inbox until it waits for it).')
    .argument('<pid>', 'the process', pidArgument)
    .argument('<name>', 'the signal name')
    .argument('[payload]', 'the payload, as JSON', jsonArgument)
  brokerOptions(signal)
  storeOption(signal, false)
    .option('--timeout <ms>', 'how long to wait for the answer', positiveInteger, 30_000)
    .action((pid: string, name: string, payload: unknown, options: ControlOptions) =>
      sendSignal({ pid, name, payload }, options),
    )
  const resume = program
    .command('resume')
    .description(
      'Resume a live process: it goes on with the value if it waits for a resume, and keeps it ' +
        'until it does otherwise.',
    )
    .argument('<pid>', 'the process', pidArgument)
    .argument('[value]', 'the resume value, as JSON', jsonArgument)
  brokerOptions(resume)
  storeOption(resume, false)
    .option('--timeout <ms>', 'how long to wait for the answer', positiveInteger, 30_000)
    .action((pid: string, value: unknown, options: ControlOptions) =>
      sendSignal({ pid, name: undefined, payload: value }, options),
    )
}

const jsonArgument = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new InvalidArgumentError(`Not JSON: ${String(error)}.`)
  }
}

/** A signal to send: its name, or none for a resume. */
interface Sent {
  readonly pid: string
  readonly name: string | undefined
  readonly payload: unknown
}

const sendSignal = async ({ pid, name, payload }: Sent, options: ControlOptions): Promise<void> => {
  const communicator = await openBroker(options)
  try {
    const controller = new RemoteProcessController(communicator)
    const request =
      name === undefined
        ? controller.resume(pid, payload)
        : controller.signalByName(pid, name, payload)
    await withTimeout(request, options.timeout, `from the worker running ${pid}`)
    console.log(name === undefined ? `${pid} resumed` : `${pid} signalled ${name}`)
  } catch (error) {
    if (error instanceof UnroutableError)
      await notLive(name === undefined ? 'resume' : 'signal', pid, options.store)
    // The process refused it (a payload or value its wait's codec does not decode): as it is.
    if (error instanceof RemoteError) throw new CliError(error.message, EXIT.refused)
    throw error
  } finally {
    await communicator.close()
  }
}

const controlEvery = async (
  action: Action,
  pid: string | undefined,
  options: ControlOptions,
): Promise<void> => {
  if (pid !== undefined) throw new CliError(`give a pid or --all, not both`)
  if (options.store === undefined)
    throw new CliError('--all selects processes in the store: give --store (or PLUMPY_STORE)')
  const persister = await openStore(options.store)
  try {
    const communicator = await openBroker(options)
    try {
      const summary = await controlAll({
        action,
        filter: filterOf(options, systemClock()),
        persister,
        communicator,
        yes: options.yes === true,
        message: options.message,
        force: options.force === true,
      })
      console.log(summary)
    } finally {
      await communicator.close()
    }
  } finally {
    await persister.close()
  }
}

const control = async (
  action: Action,
  pid: string | undefined,
  options: ControlOptions,
): Promise<void> => {
  if (pid === undefined) throw new CliError(`${action} needs a pid, or --all`)
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
    if (error instanceof UnroutableError) await notLive(action, pid, options.store)
    throw error
  } finally {
    await communicator.close()
  }
}

/** Why a process that no worker runs cannot be controlled: always throws the CLI's answer. */
const notLive = async (
  action: Action | Sending,
  pid: string,
  store: string | undefined,
): Promise<never> => {
  if (store === undefined)
    throw new CliError(
      `process ${pid} is not live on any worker: it has terminated, waits to be revived, or ` +
        'never existed (give --store to tell which)',
      EXIT.notFound,
    )
  const persister = await openStore(store)
  try {
    const state = (await loadStoredProcess(persister, pid)).snapshot.state
    if (isTerminal(state))
      throw new CliError(
        `process ${pid} was not ${PAST[action]}: it has terminated (${state._tag})`,
        EXIT.refused,
      )
    throw new CliError(
      `process ${pid} is not live on any worker: it is stored ${state._tag} and waits to be ` +
        'revived (plumpy-ts revive)',
      EXIT.notFound,
    )
  } finally {
    await persister.close()
  }
}
