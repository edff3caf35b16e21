/**
 * Definitions are values: a name, a version, a spec, a body that knows how to find and run steps,
 * and optional hooks. `defineProcess` (in `define-process.ts`) and `defineWorkChain` build them;
 * the runtime adds `create`.
 */
import type { Draft } from 'immer'
import type { Command } from '../commands/command.js'
import type { ToContextEntry } from '../commands/suspend.js'
import type { ProcessSpec } from '../ports/index.js'
import type { HookName } from './effects.js'
import type { StepOutcome } from './events.js'
import type { Position } from './position.js'
import type { StateName } from './state.js'
import type { AttemptInfo } from './retry-state.js'
import type { StepView } from './view.js'

/**
 * A step: a plain function or a generator function of an immer draft of the context and a
 * read-only view of the process. It returns (or yields) commands.
 */
export type StepFn<Ctx = any, View = StepView> = (ctx: Draft<Ctx>, view: View) => unknown

/** A generator step's generator. */
export type StepGenerator = Generator<Command, unknown, unknown>

/** Where a step call's functions get their context from: one draft, shared by all of them. */
export interface ContextSource {
  /** The context `fn` (a predicate or the step) receives. */
  for(fn: StepFn): Draft<any>
  /** Note a warning about this step call (it becomes a log line of the step). */
  warn(message: string): void
}

/** What a body found at a position: a step to call, or the end of the road. */
export type Located =
  | {
      readonly _tag: 'Step'
      readonly name: string
      readonly fn: StepFn
      /** The position naming this step itself, kept when a generator suspends inside it. */
      readonly at: Position
      readonly args: readonly unknown[]
    }
  | { readonly _tag: 'Done'; readonly outcome: BodyOutcome }

/** A located step. */
export type LocatedStep = Extract<Located, { readonly _tag: 'Step' }>

/** A step's outcome as a body computes it: like `StepOutcome`, but awaitables not yet launched. */
export type BodyOutcome =
  | Exclude<StepOutcome, { readonly _tag: 'Wait' }>
  | {
      readonly _tag: 'Wait'
      readonly position: Position
      readonly message: string | undefined
      readonly data: unknown
      readonly entries: readonly ToContextEntry[]
      /** A generator step suspended inside itself: the journal key of what it waits for. */
      readonly asked: string | undefined
      /** The first entry to settle ends the wait (`race`). */
      readonly race?: true
      /** The step declared a retry policy: the attempt that waits. */
      readonly retry?: AttemptInfo
    }

/**
 * How a kind of definition runs: where it starts, how it finds the step at a position (work
 * chains evaluate their predicates here, on the same draft), and what a step's return means.
 */
export interface Body {
  readonly initial: Position
  /** Find the step at `position`; a work chain evaluates its predicates on the way. */
  locate(position: Position, context: ContextSource, view: StepView): Located
  /**
   * What the step's return value (or the flow command a generator yielded) means: the next step,
   * a wait (a work chain step may return `toContext`), or the end.
   */
  complete(located: LocatedStep, returned: unknown): BodyOutcome
  /**
   * Why `position` is not one this body can run from, or undefined when it is. Loading a
   * checkpoint asks this, so a damaged position is refused instead of silently finishing.
   */
  checkPosition(position: Position): string | undefined
  /** A JSON description of the body (the outline of a work chain). */
  describe(): unknown
  /** A stable summary of the body's structure, recorded in checkpoints to detect changed code. */
  readonly structure: string
}

/** A read-only view of a process handed to hooks. */
export interface ProcessView {
  readonly pid: string
  readonly state: StateName
  readonly status: string | undefined
  readonly outputs: Readonly<Record<string, unknown>>
  readonly ctx: unknown
}

/** Optional lifecycle hooks, called in plumpy's order (see SEMANTICS.md). */
export type Hooks = {
  readonly [H in HookName]?: (process: ProcessView, ...args: any[]) => void
}

/**
 * A process definition. The type parameters are for inference only: `I` the parsed inputs, `R`
 * what `create` accepts, `O` the outputs, `Ctx` the context its steps see, `S` its steps as
 * written (step names, and what each returns), `Res` what `result()` gives.
 */
export interface ProcessDefinition<I = any, R = any, O = any, Ctx = any, S = any, Res = any> {
  readonly _tag: 'ProcessDefinition'
  readonly kind: 'process' | 'workchain'
  readonly name: string
  readonly version: number
  readonly spec: ProcessSpec<any, any, any>
  readonly body: Body
  /** The step functions (predicates included), by name. */
  readonly steps: S
  readonly hooks: Hooks
  /** Builds the first context from the parsed inputs (an empty object for plain processes). */
  readonly context: (inputs: I) => Ctx
  /** Kill the children a killed process waits on (AiiDA's behaviour); on by default. */
  readonly killChildren: boolean
  /** The spec (and, for work chains, the outline) as a JSON tree. */
  getDescription(): unknown
  /** Type carriers, never set at run time. */
  readonly _types?: {
    readonly inputs: I
    readonly rawInputs: R
    readonly outputs: O
    readonly ctx: Ctx
    readonly result: Res
  }
}

/** Any definition. */
export type AnyDefinition = ProcessDefinition<any, any, any, any, any, any>

/** What `create` accepts for a definition. */
export type RawInputsOfDefinition<D> = D extends ProcessDefinition<any, infer R, any> ? R : never

/** The parsed inputs of a definition. */
export type InputsOfDefinition<D> = D extends ProcessDefinition<infer I, any, any> ? I : never

/** The outputs of a definition. */
export type OutputsOfDefinition<D> = D extends ProcessDefinition<any, any, infer O> ? O : never

/** The context type of a definition's steps. */
export type ContextOfDefinition<D> =
  D extends ProcessDefinition<any, any, any, infer Ctx, any, any> ? Ctx : never

/** The steps of a definition, as written. */
export type StepsOfDefinition<D> =
  D extends ProcessDefinition<any, any, any, any, infer S, any> ? S : never

/** The names of a definition's steps (predicates included); any string for an untyped one. */
export type StepNameOf<D> = keyof StepsOfDefinition<D> & string

/** What `result()` gives for a process of this definition. */
export type ResultOfDefinition<D> =
  D extends ProcessDefinition<any, any, any, any, any, infer Res> ? Res : never
