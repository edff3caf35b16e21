#!/usr/bin/env node
/**
 * The `plumpy-ts` command line: a thin edge that parses arguments, calls the library, prints and
 * sets the exit code.
 */
import { Command } from 'commander'
import { openPersister } from '../persistence/url.js'
import { checkCheckpoints } from './check.js'
import { loadRegistry } from './definitions.js'

const program = new Command()
  .name('plumpy-ts')
  .description('Run, inspect and control plumpy-ts workflows.')

program
  .command('check')
  .description(
    'Load every stored checkpoint against the current definitions; list those that would not load.',
  )
  .requiredOption('--store <url>', 'checkpoint store: sqlite:<file>, file:<dir>, postgres://…')
  .requiredOption(
    '--definitions <module>',
    'module exporting the current definitions (or a registry)',
  )
  .action(async (options: { store: string; definitions: string }) => {
    const registry = await loadRegistry(options.definitions)
    const persister = await openPersister(options.store)
    try {
      const report = await checkCheckpoints(persister, registry)
      for (const f of report.failures)
        console.log(`FAIL ${f.pid} ${f.tag ?? '-'} ${f.problem}: ${f.reason}`)
      console.log(`${report.checked} checkpoints checked, ${report.failures.length} would not load`)
      process.exitCode = report.failures.length === 0 ? 0 : 1
    } finally {
      await persister.close()
    }
  })

program.parseAsync().catch((error: unknown) => {
  console.error(`plumpy-ts: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 2
})
