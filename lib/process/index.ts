/** The pure process core: states, commands, events, effects, the reducer and the executor. */
export * from './state.js'
export * from './position.js'
export * from './awaitable.js'
export * from './errors.js'
export * from './commands.js'
export * from './awaitables.js'
export * from './snapshot.js'
export * from './events.js'
export * from './effects.js'
export { transition, creationEffects, collectResults } from './transition.js'
export type { Transition } from './transition.js'
export * from './definition.js'
export * from './step-api.js'
export { executeStep } from './execute.js'
export type { Execution, LiveSlot, LiveStep } from './execute.js'
export { defineProcessDefinition } from './define-process.js'
export type {
  ProcessConfig,
  SpecConfig,
  ApiOf,
  OutputValues,
  ProcessDef,
} from './define-process.js'
export { DefinitionError } from './process-body.js'
