/**
 * What the steps of a plain process may give, as types (see `step-typing.ts` for how a
 * definition applies them). Type only.
 *
 * - `Continue(step, ...args)` names a step of the process, with the arguments that step declares
 *   (`step({ args }, …)`; any arguments for a step that declares none);
 * - `Wait(step)` names a step that can take the resume value as its arguments;
 * - `out(port, value)` names an output port of the spec, with a value of its type;
 * - a generator yields commands only, and `toContext` / `waitForResume` are yielded, not returned;
 * - any other value returned is the result, which `result()` is typed by.
 */
import type { Draft } from 'immer'
import type {
  Continue,
  ExitCodeCommand,
  Kill,
  Stop,
  UnsuccessfulResult,
  Wait,
} from '../commands/flow.js'
import type {
  Checkpoint,
  Log,
  Out,
  RequestKill,
  RequestPause,
  RequestPlay,
} from '../commands/instant.js'
import type { SuspendCommand } from '../commands/suspend.js'
import type { OutputPath, OutputValue, OutputValues } from '../ports/index.js'
import type { ArgsOfStep } from './declare-step.js'
import type {
  AnyCommand,
  ContextualReturn,
  JudgedStep,
  ReturnOfStep,
  StepParams,
  StepsParam,
  StepsShape,
} from './step-typing.js'
import type { StepView } from './view.js'

/** The context a plain process's steps see: an object of their own (it is not kept). */
export type ProcessContext = Record<string, unknown>

/**
 * One `Out` per output path of the outputs root `X` (declared ports, and patterns under dynamic
 * namespaces), each with its value type.
 */
export type OutsOf<X> = OutsAt<X, OutputPath<X, 'declared'>> | OutsAt<X, OutputPath<X, 'dynamic'>>

type OutsAt<X, Paths extends string> = {
  [P in Paths]: Out<P, OutputValue<X, P>, OutputValues<X>>
}[Paths]

/** The commands answered inside a step, `out` typed by the outputs root `X`. */
export type InstantOf<X> = OutsOf<X> | Log | Checkpoint | RequestPause | RequestPlay | RequestKill

/** The commands that end a process with a result or a kill. */
export type EndingCommand = Stop<unknown> | Kill | UnsuccessfulResult<unknown> | ExitCodeCommand

/**
 * `Continue` to a step of `S` with its arguments. The steps that declare none share one member,
 * so that a wrong name is reported against the list of names. (The name unions are written out
 * here rather than named, so that an error shows the names themselves.)
 */
export type ContinueTo<S> =
  | Continue<
      {
        [K in keyof S & string]: readonly unknown[] extends ArgsOfStep<S[K]> ? K : never
      }[keyof S & string],
      readonly unknown[]
    >
  | {
      [K in keyof S & string]: readonly unknown[] extends ArgsOfStep<S[K]>
        ? never
        : Continue<K, ArgsOfStep<S[K]>>
    }[keyof S & string]

/** `Wait` for a step of `S` that can take the resume value (`[value]`, or `[]`) as arguments. */
export type WaitFor<S> = Wait<
  {
    [K in keyof S & string]: readonly [] extends ArgsOfStep<S[K]>
      ? K
      : readonly [any] extends ArgsOfStep<S[K]>
        ? K
        : never
  }[keyof S & string]
>

/** The commands that end a step of a process with steps `S`. */
export type ProcessFlow<S> = ContinueTo<S> | WaitFor<S> | EndingCommand

/** What the steps `S` of a process with outputs root `X` may give. */
export interface ProcessRules<S, X> {
  readonly returns: ProcessFlow<S> | InstantOf<X>
  readonly yields: ProcessFlow<S> | InstantOf<X> | SuspendCommand
  readonly ends: ProcessFlow<S>
  readonly values: unknown
  readonly endValues: unknown
  readonly outputs: OutputValues<X>
}

/** The flow commands as the contextual type knows them, before the step names are. */
type AnyFlow = Continue | Wait | EndingCommand

/** The commands a process step is contextually typed with, before the step names are known. */
export type ContextualProcessReturn<X> =
  | AnyFlow
  | InstantOf<X>
  | Generator<AnyFlow | InstantOf<X> | SuspendCommand, AnyFlow, unknown>

/** The whole contextual type of a process step, before the step names are known. */
export type ContextualProcessStep<I, X> = (
  ctx: Draft<ProcessContext>,
  view: StepView<I>,
) => ContextualProcessReturn<X>

/**
 * The `steps` parameter of `defineProcess`: steps `S`, inputs `I`, outputs root `X`. The context
 * of a process is always `ProcessContext`, so the contextual type carries the parameters as well
 * (see `StepsParam`); the parameters part is what a call in the steps (`step(...)`) is typed
 * against.
 */
export type ProcessStepsParam<S, I, X> = StepsParam<
  S,
  StepParams<Draft<ProcessContext>, StepView<I>>,
  StepsShape<
    S,
    ContextualReturn<ContextualProcessReturn<X>>,
    ContextualProcessStep<I, X>,
    {
      readonly [K in keyof S]: JudgedStep<
        S[K],
        ProcessContext,
        StepView<I, ArgsOfStep<S[K]>>,
        ProcessRules<S, X>
      >
    }
  >
>

/**
 * The result of a process with steps `S`: what its steps return that is not a command, and the
 * results of `Stop(x)` and `unsuccessful(x)`, wherever they come from (a step returning nothing,
 * or an output, finishes with `undefined`).
 */
export type ProcessResultOf<S> = {
  [K in keyof S]: ResultOfReturn<ReturnOfStep<S[K]>>
}[keyof S]

type ResultOfReturn<R> =
  R extends Generator<infer Y, infer End, any>
    ? ResultOfCommand<Y> | ResultOfValue<End>
    : ResultOfValue<R>

type ResultOfValue<R> = R extends AnyCommand
  ? R extends Out | Log | Checkpoint | RequestPause | RequestPlay | RequestKill
    ? undefined
    : ResultOfCommand<R>
  : R extends void
    ? undefined
    : R

/** The result a command finishes with, or never for one that does not finish the process. */
export type ResultOfCommand<C> =
  C extends Stop<infer X>
    ? X
    : C extends UnsuccessfulResult<infer X>
      ? X
      : C extends ExitCodeCommand
        ? undefined
        : never
