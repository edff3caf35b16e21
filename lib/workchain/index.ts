/** Work chains: the outline DSL, cursors, and the work chain definition. */
export { if_, while_, return_, OutlineError } from './outline.js'
export type {
  Block,
  Instruction,
  StepRef,
  PredicateRef,
  AnyStepRef,
  IfBuilder,
  OutlineItem,
  StepInstruction,
  IfInstruction,
  WhileInstruction,
  ReturnInstruction,
} from './outline.js'
export { Cursor } from './cursor.js'
export type { Resolution } from './cursor.js'
export { toMermaid } from './mermaid.js'
export { describeOutline, fingerprint } from './describe.js'
export { defineWorkChainDefinition } from './define-workchain.js'
export type { WorkChainConfig, WorkChainDefinition, WorkChainDef } from './define-workchain.js'
export type {
  StepRefs,
  WorkChainRules,
  ContextualChainReturn,
  ChainStepsParam,
  ChainResultOf,
} from './chain-steps.js'
