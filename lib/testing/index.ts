/**
 * `plumpy-ts/testing`: test steps and whole definitions as pure functions, with no runner, no
 * timers and no broker.
 *
 * - `draftOf` and `viewOf` let you call a generator step yourself and step it by hand;
 * - `runStep` calls one step (or predicate) on a context snapshot and inputs;
 * - `driveDefinition` runs a whole definition, answering its awaitables and resumes from a script;
 * - `checkResumeEquivalence` checks that resuming from any checkpoint ends as the uninterrupted run.
 */
export { runStep } from './run-step.js'
export { draftOf, viewOf } from './saga.js'
export type { ViewOptions } from './saga.js'
export type { StepInput, StepRun } from './run-step.js'
export { driveDefinition } from './drive.js'
export { TestClock } from './test-clock.js'
export { unanswered, scriptSignal } from './drive-script.js'
export type {
  AwaitRequest,
  DriveResult,
  DriveScript,
  ScriptedSignal,
  Stopped,
  TraceEntry,
} from './drive-script.js'
export { checkResumeEquivalence } from './resume-equivalence.js'
export type {
  EquivalenceOptions,
  EquivalenceReport,
  CheckpointVerdict,
  Outcome,
} from './resume-equivalence.js'
