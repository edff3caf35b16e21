/**
 * `plumpy-ts pause|play|kill --all [filters]`: the action on every live process of the store
 * that the filters select (pause and kill: those not terminal; play: those paused), after a
 * confirmation (`--yes` to skip it), with a progress bar on a terminal.
 */
import type { Communicator } from '../../comms/communicator.js'
import { RemoteProcessController } from '../../comms/controller.js'
import { UnroutableError } from '../../comms/errors.js'
import { catalogOf, type ProcessFilter } from '../../persistence/catalog/index.js'
import type { Persister } from '../../persistence/persister.js'
import type { StateName } from '../../process/state.js'
import { CliError, EXIT } from '../errors.js'
import { confirm, progressBar } from './progress.js'

/** The actions. */
export type ControlAction = 'pause' | 'play' | 'kill'

const PAST: Record<ControlAction, string> = { pause: 'paused', play: 'played', kill: 'killed' }
const LIVE: readonly StateName[] = ['CREATED', 'RUNNING', 'WAITING']
const PAGE = 1_000

/** What {@link controlAll} needs. */
export interface ControlAllOptions {
  readonly action: ControlAction
  readonly filter: ProcessFilter
  readonly persister: Persister
  readonly communicator: Communicator
  readonly yes: boolean
  readonly message: string | undefined
  readonly force: boolean
}

/** Runs the action on every selected process; resolves to the summary line. */
export const controlAll = async (options: ControlAllOptions): Promise<string> => {
  const { action, filter } = options
  const states = (filter.states ?? LIVE).filter((state) => LIVE.includes(state))
  const selection: ProcessFilter = {
    ...filter,
    states,
    ...(action === 'play' ? { paused: true } : {}),
  }
  const pids = await selected(options.persister, selection)
  if (pids.length === 0) return `no live process matches: none ${PAST[action]}`
  if (!options.yes && !(await confirm(`${action} ${pids.length} processes?`)))
    throw new CliError(
      `${action} of ${pids.length} processes not confirmed (give --yes to skip the question)`,
      EXIT.refused,
    )
  const controller = new RemoteProcessController(options.communicator)
  const bar = progressBar(`${action}`, pids.length)
  const counts = { done: 0, refused: 0, notLive: 0, failed: 0 }
  try {
    for (const pid of pids) {
      try {
        const done =
          action === 'pause'
            ? await controller.pauseProcess(pid, options.message)
            : action === 'play'
              ? await controller.playProcess(pid)
              : await controller.killProcess(pid, options.message, { force: options.force })
        if (done) counts.done += 1
        else counts.refused += 1
      } catch (error) {
        if (error instanceof UnroutableError) counts.notLive += 1
        else counts.failed += 1
      }
      bar.tick()
    }
  } finally {
    bar.stop()
  }
  if (counts.failed > 0) process.exitCode = EXIT.refused
  return (
    `${counts.done} ${PAST[action]}, ${counts.refused} refused (terminated meanwhile), ` +
    `${counts.notLive} not live on any worker, ${counts.failed} failed`
  )
}

const selected = async (persister: Persister, filter: ProcessFilter): Promise<string[]> => {
  const catalog = catalogOf(persister)
  const pids: string[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await catalog.listProcesses({ ...filter, limit: PAGE, offset, order: 'asc' })
    pids.push(...page.rows.map((row) => row.pid))
    if (page.rows.length < PAGE) return pids
  }
}
