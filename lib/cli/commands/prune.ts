/**
 * `plumpy-ts prune`: delete the checkpoints of orphans, children that nothing awaits and that
 * will never run (see `lib/worker/prune.ts`). Safe while workers run on a PostgreSQL store: a
 * child whose tree a live worker holds is kept. Workers on PostgreSQL also prune by themselves,
 * after a grace period (`worker --prune-after-ms`).
 */
import { progressOf } from '../operate/progress.js'
import type { Command } from 'commander'
import { describePruneOutcome, prune } from '../../worker/prune.js'
import { CliError, EXIT } from '../errors.js'
import { isPostgresUrl, openClaims, openStore, storeOption, type StoreOptions } from '../connect.js'

interface PruneCommandOptions extends StoreOptions {
  readonly dryRun?: boolean
  readonly force?: boolean
}

/** Registers `prune` on the program. */
export const pruneCommand = (program: Command): void => {
  const command = program
    .command('prune')
    .description(
      'Delete the checkpoints of orphan children: not terminal, their parent ended or gone, ' +
        'nothing awaits them.',
    )
  storeOption(command)
    .option('--dry-run', 'list the orphans, delete nothing')
    .option(
      '--force',
      'with a store other than PostgreSQL, whose claims only its worker sees: prune anyway ' +
        '(only when no worker runs on the store)',
    )
    .action((options: PruneCommandOptions) => runPrune(options))
}

const runPrune = async (options: PruneCommandOptions): Promise<void> => {
  if (!isPostgresUrl(options.store) && options.force !== true)
    throw new CliError(
      'prune must see which process trees workers run, and only a PostgreSQL store shares ' +
        'that between programs: stop the worker of this store and pass --force',
    )
  const persister = await openStore(options.store)
  try {
    const claims = await openClaims(options.store, persister)
    const dryRun = options.dryRun === true
    const progress = progressOf('looking for orphans')
    const outcomes = await prune({
      persister,
      claims,
      dryRun,
      onProgress: progress.onProgress,
    }).finally(() => progress.stop())
    for (const outcome of outcomes) console.log(describePruneOutcome(outcome, dryRun))
    const count = (tag: string) => outcomes.filter((outcome) => outcome._tag === tag).length
    console.log(
      `${count('Pruned')} ${dryRun ? 'to prune' : 'pruned'}, ${count('Running')} kept ` +
        `(their tree runs on a worker), ${count('Failed')} failed`,
    )
    if (count('Failed') > 0) process.exitCode = EXIT.refused
  } finally {
    await persister.close()
  }
}
