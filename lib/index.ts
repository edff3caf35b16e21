/**
 * plumpy-ts: long-running workflows as definitions of pure steps that yield commands, interpreted
 * by a pure process state machine, with immer contexts and JSON checkpoints.
 */
export * from './ports/index.js'
export * from './commands/index.js'
export * from './process/index.js'
export * from './workchain/index.js'
export * from './checkpoint/index.js'
export * from './persistence/index.js'
export * from './runtime/index.js'
export * from './comms/index.js'
export { RetryPolicyError, type RetryPolicy, type FailureInfo } from './retry/policy.js'
export { AttemptsOverError, AttemptsSpentError, EntryAttemptsOverError } from './retry/errors.js'
export { NEVER_RETRIED } from './retry/never-retried.js'
export {
  waitsOf,
  formatWait,
  formatWaits,
  formatInstant,
  WaitItemJson,
  type WaitItem,
} from './waits/describe.js'
export { ProcessLoop, inertRunners, stepEvent } from './interpreter/index.js'
export type {
  Answer,
  EffectRunner,
  EffectRunners,
  OnAnswer,
  RunnerEffect,
  StepHost,
} from './interpreter/index.js'
export {
  executeStep,
  StepViews,
  OutputError,
  NondeterminismError,
  NotACommandError,
  ResumeValueRefusedError,
  SignalPayloadRefusedError,
  UndeclaredSignalError,
} from './step/index.js'
export type { Divergence, Execution, LiveSlot, LiveStep, StepContext } from './step/index.js'
