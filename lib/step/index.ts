/**
 * The step executor: how one step runs, on an immer draft of the context, with its instant
 * commands answered and its generator driven (and replayed from its journal, checked).
 */
export { executeStep, suspensionOf } from './execute.js'
export type { Execution, LiveSlot, LiveStep, StepContext } from './execute.js'
export { StepViews } from './views.js'
export {
  OutputError,
  NondeterminismError,
  NotACommandError,
  ResumeValueRefusedError,
  SignalPayloadRefusedError,
  UndeclaredSignalError,
} from './errors.js'
export type { Divergence } from './errors.js'
export { initialContext } from './context.js'
