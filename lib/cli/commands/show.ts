/** `plumpy-ts show <pid>`: one stored process in detail. */
import type { Command } from 'commander'
import type { DefinitionRegistry } from '../../checkpoint/registry.js'
import { catalogOf } from '../../persistence/catalog/index.js'
import { systemClock } from '../../runtime/environment.js'
import { describeStoredProcess, loadStoredProcess } from '../../worker/inspect.js'
import { loadRegistry } from '../definitions.js'
import { openStore, pidArgument, storeOption, type StoreOptions } from '../connect.js'

interface ShowOptions extends StoreOptions {
  readonly definitions?: string
}

/** Registers `show` on the program. */
export const showCommand = (program: Command): void => {
  const command = program
    .command('show')
    .description(
      'Show a stored process: state, times, context, position in its outline, outputs, error.',
    )
    .argument('<pid>', 'the process', pidArgument)
  storeOption(command)
    .option(
      '--definitions <module>',
      'module exporting the definitions: prints the position as a place in the outline',
    )
    .action(async (pid: string, options: ShowOptions) => {
      const registry: DefinitionRegistry | undefined =
        options.definitions === undefined ? undefined : await loadRegistry(options.definitions)
      const persister = await openStore(options.store)
      try {
        const data = await loadStoredProcess(persister, pid)
        const [row] = (await catalogOf(persister).listProcesses({ pid, limit: 1 })).rows
        const times = { created: row?.created, modified: row?.modified }
        const lines = describeStoredProcess(data, { now: systemClock(), registry, times })
        for (const line of lines) console.log(line)
      } finally {
        await persister.close()
      }
    })
}
