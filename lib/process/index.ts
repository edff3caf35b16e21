/** The pure process core: states, events, effects, the reducer, and definitions. */
export * from './state.js'
export * from './position.js'
export * from './awaitable.js'
export { earliestDeadline } from './deadline.js'
export * from './errors.js'
export { createdSnapshot } from './snapshot.js'
export type { ProcessSnapshot, PendingPause, PendingKill } from './snapshot.js'
export * from './events.js'
export * from './effects.js'
export type { StepView } from './view.js'
export { transition, creationEffects, collectResults } from './transition.js'
export type { Transition } from './transition.js'
export * from './definition.js'
export { defineProcessDefinition } from './define-process.js'
export type {
  ProcessConfig,
  SpecConfig,
  ViewOf,
  OutputsRoot,
  ProcessDef,
} from './define-process.js'
export { step, InvalidArgumentsError, InvalidResumeArgumentsError } from './declare-step.js'
export type {
  StepOptions,
  DeclaredStep,
  ArgsOfStep,
  RetryOptions,
  StepGuard,
} from './declare-step.js'
export type { RetryState, AttemptInfo, FailedAttempt } from './retry-state.js'
export type {
  ProcessContext,
  ProcessRules,
  ProcessResultOf,
  ProcessStepsParam,
  ContextualProcessReturn,
  ContextualProcessStep,
  ContinueTo,
  WaitFor,
  OutsOf,
  InstantOf,
  EndingCommand,
  ResultOfCommand,
} from './process-steps.js'
export type {
  AnyCommand,
  StepRules,
  JudgedStep,
  StepsShape,
  StepsParam,
  StepParams,
  ContextualReturn,
} from './step-typing.js'
export { DefinitionError } from './process-body.js'
