/**
 * `plumpy-ts watch <pid>`: follows a process and its descendants live, from the state-change
 * broadcasts of the workers that run them, one line per transition, until the process ends.
 * With `--store`, it first prints where the process is (and stops there if it has ended).
 */
import type { Command } from 'commander'
import type { BroadcastMessage } from '../../comms/communicator.js'
import { catalogOf } from '../../persistence/catalog/index.js'
import { isTerminalName, type StateName } from '../../process/state.js'
import { systemClock } from '../../runtime/environment.js'
import { CliError, EXIT } from '../errors.js'
import {
  brokerOptions,
  openBroker,
  openStore,
  pidArgument,
  storeOption,
  type BrokerOptions,
} from '../connect.js'
import { formatPreciseTime } from '../operate/times.js'

interface WatchOptions extends BrokerOptions {
  readonly store?: string
}

/** A state change as workers broadcast it. */
interface StateChange {
  readonly pid: string
  readonly from: string | null
  readonly to: string
  readonly parent?: string
}

const stateChangeOf = (message: BroadcastMessage): StateChange | undefined => {
  const body = message.body as Partial<StateChange> | null
  if (body === null || typeof body !== 'object' || typeof body.pid !== 'string') return undefined
  if (typeof body.to !== 'string') return undefined
  return body as StateChange
}

/** Registers `watch` on the program. */
export const watchCommand = (program: Command): void => {
  const command = program
    .command('watch')
    .description(
      'Follow a process and its descendants live (state-change broadcasts) until it ends.',
    )
    .argument('<pid>', 'the process', pidArgument)
  brokerOptions(command)
  storeOption(command, false).action((pid: string, options: WatchOptions) => watch(pid, options))
}

const watch = async (root: string, options: WatchOptions): Promise<void> => {
  if (options.store !== undefined && (await printStored(root, options.store))) return
  const communicator = await openBroker(options)
  try {
    const depth = new Map<string, number>([[root, 0]])
    let ended: () => void = () => undefined
    const done = new Promise<void>((resolve) => (ended = resolve))
    const subscriber = await communicator.addBroadcastSubscriber(
      (message) => {
        const change = stateChangeOf(message)
        if (change === undefined) return
        const parentDepth = change.parent === undefined ? undefined : depth.get(change.parent)
        if (!depth.has(change.pid) && parentDepth !== undefined)
          depth.set(change.pid, parentDepth + 1)
        const level = depth.get(change.pid)
        if (level === undefined) return
        console.log(
          `${'  '.repeat(level)}${formatPreciseTime(systemClock())} ${change.pid} ` +
            `${change.from ?? 'None'} -> ${change.to}`,
        )
        if (change.pid === root && isTerminalName(change.to as StateName)) ended()
      },
      { subjectFilter: 'state_changed.*' },
    )
    console.log(`watching ${root} and its descendants (ctrl-c to stop)`)
    await done
    await communicator.removeBroadcastSubscriber(subscriber)
  } finally {
    await communicator.close()
  }
}

/** Prints the stored state; true when the process has ended (nothing left to watch). */
const printStored = async (pid: string, store: string): Promise<boolean> => {
  const persister = await openStore(store)
  try {
    const [row] = (await catalogOf(persister).listProcesses({ pid, limit: 1 })).rows
    if (row === undefined) throw new CliError(`no process ${pid} in the store`, EXIT.notFound)
    console.log(`${pid} is ${row.state}${row.paused ? ' (paused)' : ''} (stored)`)
    return row.state !== '?' && isTerminalName(row.state)
  } finally {
    await persister.close()
  }
}
