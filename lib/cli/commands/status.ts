/**
 * `plumpy-ts status <pid>`: ask the worker that runs a process for its status; when no worker
 * runs it, read its checkpoint instead (with `--store`), and say so.
 */
import type { Command } from 'commander'
import { UnroutableError } from '../../comms/errors.js'
import { RemoteProcessController } from '../../comms/controller.js'
import { loadStoredProcess, summaryOf } from '../../worker/inspect.js'
import { formatWaits } from '../../waits/describe.js'
import { inboxSuffix } from '../../waits/inbox.js'
import { CliError, EXIT, withTimeout } from '../errors.js'
import {
  brokerOptions,
  pidArgument,
  openBroker,
  openStore,
  positiveInteger,
  storeOption,
  type BrokerOptions,
} from '../connect.js'

interface StatusOptions extends BrokerOptions {
  readonly store?: string
  readonly timeout: number
}

/** Registers `status` on the program. */
export const statusCommand = (program: Command): void => {
  const command = program
    .command('status')
    .description(
      'Ask the worker running a process for its status; with --store, read the checkpoint of ' +
        'a process that no worker runs.',
    )
    .argument('<pid>', 'the process', pidArgument)
  brokerOptions(command)
  storeOption(command, false)
    .option('--timeout <ms>', 'how long to wait for the answer', positiveInteger, 10_000)
    .action((pid: string, options: StatusOptions) => runStatus(pid, options))
}

const runStatus = async (pid: string, options: StatusOptions): Promise<void> => {
  const communicator = await openBroker(options)
  try {
    const status = await withTimeout(
      new RemoteProcessController(communicator).getStatus(pid),
      options.timeout,
      `from the worker running ${pid}`,
    )
    console.log(
      `${pid}  ${status.state}${status.paused ? ' (paused)' : ''}  ${status.process_string}  ` +
        `status: ${status.status ?? '-'}  waits for: ${formatWaits(status.waits ?? [], Date.now())}` +
        `${inboxSuffix(status.inbox)}  (live on a worker)`,
    )
  } catch (error) {
    if (!(error instanceof UnroutableError)) throw error
    if (options.store === undefined)
      throw new CliError(
        `process ${pid} is not live on any worker (give --store to read its checkpoint)`,
        EXIT.notFound,
      )
    await fromStore(pid, options.store)
  } finally {
    await communicator.close()
  }
}

const fromStore = async (pid: string, store: string): Promise<void> => {
  const persister = await openStore(store)
  try {
    const row = summaryOf(await loadStoredProcess(persister, pid))
    console.log(
      `${pid}  ${row.state}${row.paused ? ' (paused)' : ''}  <${row.definition}>  ` +
        `status: ${row.status ?? '-'}  waits for: ${formatWaits(row.waits, Date.now())}` +
        `${inboxSuffix(row.inbox)}  (not live on any worker: from its checkpoint)`,
    )
  } finally {
    await persister.close()
  }
}
