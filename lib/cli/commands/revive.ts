/**
 * `plumpy-ts revive`: send a continue task for every stored process that is not terminal and
 * that no worker runs: processes whose task was lost. Safe while workers run.
 */
import { progressOf } from '../operate/progress.js'
import type { Command } from 'commander'
import { describeReviveOutcome, revive } from '../../worker/revive.js'
import { loadRegistry } from '../definitions.js'
import { CliError, EXIT } from '../errors.js'
import {
  brokerOptions,
  isPostgresUrl,
  openBroker,
  openClaims,
  openStore,
  storeOption,
  type BrokerOptions,
  type StoreOptions,
} from '../connect.js'

interface ReviveCommandOptions extends BrokerOptions, StoreOptions {
  readonly definitions: string
  readonly dryRun?: boolean
  readonly force?: boolean
}

/** Registers `revive` on the program. */
export const reviveCommand = (program: Command): void => {
  const command = program
    .command('revive')
    .description(
      'Send a continue task for every non-terminal process of the store that no worker runs.',
    )
  storeOption(command)
  brokerOptions(command)
    .requiredOption('--definitions <module>', 'module exporting the definitions (or a registry)')
    .option('--dry-run', 'list what would be continued, send nothing')
    .option(
      '--force',
      'with a store other than PostgreSQL, whose claims only its worker sees: revive anyway ' +
        '(only when no worker runs on the store)',
    )
    .action((options: ReviveCommandOptions) => runRevive(options))
}

const runRevive = async (options: ReviveCommandOptions): Promise<void> => {
  if (!isPostgresUrl(options.store) && options.force !== true)
    throw new CliError(
      'revive must see which processes workers run, and only a PostgreSQL store shares that ' +
        'between programs: stop the worker of this store and pass --force',
    )
  const registry = await loadRegistry(options.definitions)
  const persister = await openStore(options.store)
  try {
    const ownership = await openClaims(options.store, persister)
    const communicator = await openBroker(options)
    try {
      const dryRun = options.dryRun === true
      const progress = progressOf('reading checkpoints')
      const outcomes = await revive({
        persister,
        ownership,
        communicator,
        registry,
        dryRun,
        onProgress: progress.onProgress,
      }).finally(() => progress.stop())
      for (const outcome of outcomes) console.log(describeReviveOutcome(outcome, dryRun))
      const count = (tag: string) => outcomes.filter((outcome) => outcome._tag === tag).length
      const continued = count('Continued')
      console.log(
        `${continued} ${dryRun ? 'to continue' : 'continued'}, ${count('Claimed')} running, ` +
          `${count('WithParent')} with their parent, ${count('Orphan')} orphans, ` +
          `${count('Unresolvable') + count('Failed')} not revivable`,
      )
      if (count('Failed') > 0) process.exitCode = EXIT.refused
    } finally {
      await communicator.close()
    }
  } finally {
    await persister.close()
  }
}
