/** `plumpy-ts check`: list the stored checkpoints that the current definitions cannot load. */
import type { Command } from 'commander'
import { checkCheckpoints } from '../check.js'
import { loadRegistry } from '../definitions.js'
import { EXIT } from '../errors.js'
import { openStore, storeOption, type StoreOptions } from '../connect.js'

/** Registers `check` on the program. */
export const checkCommand = (program: Command): void => {
  const command = program
    .command('check')
    .description(
      'Load every stored checkpoint against the current definitions; list those that would not load, those waiting on children missing from the store, and damaged entries.',
    )
  storeOption(command)
    .requiredOption(
      '--definitions <module>',
      'module exporting the current definitions (or a registry)',
    )
    .action(async (options: StoreOptions & { readonly definitions: string }) => {
      const registry = await loadRegistry(options.definitions)
      const persister = await openStore(options.store)
      try {
        const report = await checkCheckpoints(persister, registry)
        for (const f of report.failures)
          console.log(`FAIL ${f.pid} ${f.tag ?? '-'} ${f.problem}: ${f.reason}`)
        for (const d of report.damaged) console.log(`DAMAGED ${d.name}: ${d.reason}`)
        // A process waiting on a missing child does load (and then fails): counted apart.
        const orphaned = report.failures.filter((f) => f.problem === 'missing-child').length
        const refused = report.failures.length - orphaned
        const parts = [`${report.checked} checkpoints checked`, `${refused} would not load`]
        if (orphaned > 0) parts.push(`${orphaned} wait on children missing from the store`)
        if (report.damaged.length > 0) parts.push(`${report.damaged.length} damaged`)
        console.log(parts.join(', '))
        const clean = report.failures.length === 0 && report.damaged.length === 0
        process.exitCode = clean ? EXIT.ok : EXIT.refused
      } finally {
        await persister.close()
      }
    })
}
