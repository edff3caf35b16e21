/** The runtime: runner, process handles, listeners and the ports of the outside world. */
export { Runner, defaultRunner } from './runner.js'
export type { RunnerOptions, RunnerPlugin, CreateOptions } from './runner.js'
export type { StepObserver, StepRun } from './host.js'
export { ProcessHandle } from './handle.js'
export type { ActionResult } from './handle.js'
export type { ProcessListener } from './listener.js'
export { defineProcess, defineWorkChain, withCreate } from './define.js'
export type {
  Definition,
  CreateArgs,
  CreateProcessOptions,
  ProcessDefinitionOf,
  WorkChainDefinitionOf,
} from './define.js'
export { CheckpointNotCommittedError, InvalidInputsError } from './errors.js'
export {
  InvalidPidError,
  MAX_PID_LENGTH,
  PID_CHARACTERS,
  pidProblem,
  quotePid,
  validPid,
} from './pid.js'
export {
  uuidIds,
  systemClock,
  immediateScheduler,
  consoleLogger,
  silentLogger,
  describeLogContext,
} from './environment.js'
export type { IdSource, Clock, Scheduler, Logger, LogContext, TimeSource } from './environment.js'
export { systemTime } from './system-timers.js'
export type { CancelTimer } from './timer-queue.js'
export { recordHistory } from './history.js'
export type { HistoryRecorder, HistoryRecorderOptions } from './history.js'
export { checkpointing } from './checkpointing.js'
export { DURABILITIES, isDurability, parseDurability } from './durability.js'
export type { Durability } from './durability.js'
export type { Checkpointing, CheckpointingOptions } from './checkpointing.js'
export { loadProcess, continueProcess, restoreBundle } from './load.js'
export { InvalidSignalError } from './signals.js'
