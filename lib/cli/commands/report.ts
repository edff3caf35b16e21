/**
 * `plumpy-ts report <pid>`: what a process and its descendants did, from the store's history:
 * one line per transition, pause and play, in time order, children indented under their parent.
 */
import type { Command } from 'commander'
import { catalogOf, hasHistory } from '../../persistence/catalog/index.js'
import { CliError, EXIT } from '../errors.js'
import { openStore, pidArgument, storeOption, type StoreOptions } from '../connect.js'
import { reportLines } from '../operate/report.js'

/** Registers `report` on the program. */
export const reportCommand = (program: Command): void => {
  const command = program
    .command('report')
    .description(
      'Print the history of a process and its descendants (transitions with times, steps and ' +
        'durations), children indented.',
    )
    .argument('<pid>', 'the process', pidArgument)
  storeOption(command).action(async (pid: string, options: StoreOptions) => {
    const persister = await openStore(options.store)
    try {
      if (!hasHistory(persister))
        throw new CliError(
          'this store keeps no history (file stores do not): use SQLite or PostgreSQL',
          EXIT.refused,
        )
      const lines = await reportLines({ catalog: catalogOf(persister), history: persister }, pid)
      if (lines === undefined) throw new CliError(`no process ${pid} in the store`, EXIT.notFound)
      for (const line of lines) console.log(line)
    } finally {
      await persister.close()
    }
  })
}
