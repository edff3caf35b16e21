/** `plumpy-ts list`: the processes of the store, one line each. */
import type { Command } from 'commander'
import { formatListLine, listStoredProcesses } from '../../worker/inspect.js'
import { openStore, storeOption, type StoreOptions } from '../connect.js'

/** Registers `list` on the program. */
export const listCommand = (program: Command): void => {
  const command = program
    .command('list')
    .description(
      'List the processes of the store: pid, definition, state, paused, status, what it waits for.',
    )
  storeOption(command).action(async (options: StoreOptions) => {
    const persister = await openStore(options.store)
    try {
      const rows = await listStoredProcesses(persister)
      if (rows.length === 0) console.log('no processes in the store')
      else console.log('pid  definition  state  paused  status  waits for')
      const now = Date.now()
      for (const row of rows) console.log(formatListLine(row, now))
    } finally {
      await persister.close()
    }
  })
}
