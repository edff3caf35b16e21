#!/usr/bin/env node
/**
 * The `plumpy-ts` command line: a thin edge that parses arguments, calls the library, prints and
 * sets the exit code (see `errors.ts`). One file per command in `commands/`.
 */
import { Command } from 'commander'
import { checkCommand } from './commands/check.js'
import { controlCommands } from './commands/control.js'
import { dashboardCommand } from './commands/dashboard.js'
import { listCommand } from './commands/list.js'
import { pruneCommand } from './commands/prune.js'
import { reportCommand } from './commands/report.js'
import { reviveCommand } from './commands/revive.js'
import { showCommand } from './commands/show.js'
import { statusCommand } from './commands/status.js'
import { watchCommand } from './commands/watch.js'
import { workerCommand } from './commands/worker.js'
import { EXIT_CODES_HELP, exitCodeOf, messageOf } from './errors.js'
import { flushProcessLog } from './operate/log-output.js'

const program = new Command()
  .name('plumpy-ts')
  .description('Run, inspect and control plumpy-ts workflows.')
  .exitOverride()
  .addHelpText('after', EXIT_CODES_HELP)

checkCommand(program)
workerCommand(program)
reviveCommand(program)
pruneCommand(program)
listCommand(program)
showCommand(program)
reportCommand(program)
watchCommand(program)
statusCommand(program)
controlCommands(program)
dashboardCommand(program)

try {
  await program.parseAsync()
} catch (error) {
  const message = messageOf(error)
  // What the command logged comes before why it failed.
  flushProcessLog()
  if (message !== undefined) console.error(`plumpy-ts: ${message}`)
  process.exitCode = exitCodeOf(error)
}
// Connections closed or not, the command is done.
process.exit()
