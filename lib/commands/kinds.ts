/** Which kind a command is, by its tag: the interpreter answers each kind its own way. */
import type { Command } from './command.js'
import type { FlowCommand } from './flow.js'
import type { InstantCommand } from './instant.js'
import type { SuspendCommand } from './suspend.js'

/** True for the commands that end a step (`Continue`, `Wait`, `Stop`, `Kill`, …). */
export const isFlow = (command: Command): command is FlowCommand => FLOW.has(command._tag)

/** True for the commands answered inside the step (`out`, `log`, `checkpoint`, requests). */
export const isInstant = (command: Command): command is InstantCommand => INSTANT.has(command._tag)

/** True for the commands that suspend the step (`toContext`, `waitForResume`). */
export const isSuspend = (command: Command): command is SuspendCommand => SUSPEND.has(command._tag)

const SUSPEND: ReadonlySet<string> = new Set([
  'ToContext',
  'WaitForResume',
  'Sleep',
  'WaitForSignal',
  'Race',
  'All',
])

const FLOW: ReadonlySet<string> = new Set([
  'Continue',
  'Wait',
  'Stop',
  'Kill',
  'UnsuccessfulResult',
  'ExitCode',
])

const INSTANT: ReadonlySet<string> = new Set([
  'Out',
  'Log',
  'Checkpoint',
  'RequestPause',
  'RequestPlay',
  'RequestKill',
])
