/**
 * Effect runners: one function per kind of effect, which the loop calls in order. The runtime
 * and the test drivers each bring their own set; the loop, the reducer and the step executor are
 * the same for both.
 */
import type { Effect } from '../process/effects.js'
import type { ProcessLoop } from './loop.js'

/** The effects the loop hands to runners (it answers `Raise`, `Reply`, `Defer`, `Reject` itself). */
export type RunnerEffect = Exclude<
  Effect,
  { readonly _tag: 'Raise' | 'Reply' | 'Defer' | 'Reject' }
>

/** A runner for effects of kind `K`, given the loop of the process (and its owner, the host's). */
export type EffectRunner<K extends RunnerEffect['_tag'], O = unknown> = (
  effect: Extract<RunnerEffect, { readonly _tag: K }>,
  loop: ProcessLoop<O>,
) => void

/** One runner per effect kind. `O` is what the host keeps for each process (its handle). */
export type EffectRunners<O = unknown> = {
  readonly [K in RunnerEffect['_tag']]: EffectRunner<K, O>
}

/** The answer to a request (pause, play, kill, resume): a reply, a deferral or a refusal. */
export type Answer = Extract<Effect, { readonly _tag: 'Reply' | 'Defer' | 'Reject' }>

const nothing = (): void => {}

/**
 * Runners that perform nothing: spread them and override the kinds your host acts on. (A host
 * must at least run `RunStep` and `ExecuteStep` for its processes to take steps.)
 */
export const inertRunners: EffectRunners<any> = {
  Hook: nothing,
  Notify: nothing,
  StateChanged: nothing,
  RunStep: nothing,
  ExecuteStep: nothing,
  Await: nothing,
  CancelAwaited: nothing,
  RestartAwaited: nothing,
  SignalKept: nothing,
  KillChildren: nothing,
  Settle: nothing,
  Checkpoint: nothing,
  Log: nothing,
  Terminated: nothing,
}
