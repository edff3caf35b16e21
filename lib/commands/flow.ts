/**
 * Commands that end a step and say what happens next: run another step, wait, finish, or end
 * KILLED. A step returns one (or yields one, which ends it there); nothing after it runs.
 */
import { Yieldable } from './yieldable.js'

class ContinueCommand<N extends string, A extends readonly unknown[]> extends Yieldable<never> {
  readonly _tag = 'Continue'
  constructor(
    readonly step: N,
    readonly args: A,
  ) {
    super()
  }
}

class WaitCommand<N extends string> extends Yieldable<never> {
  readonly _tag = 'Wait'
  constructor(
    readonly step: N,
    readonly message: string | undefined,
    readonly data: unknown,
  ) {
    super()
  }
}

class StopCommand<R> extends Yieldable<never> {
  readonly _tag = 'Stop'
  constructor(
    readonly result: R,
    readonly successful: boolean,
  ) {
    super()
  }
}

class KillCommand extends Yieldable<never> {
  readonly _tag = 'Kill'
  constructor(readonly message: string | undefined) {
    super()
  }
}

class UnsuccessfulCommand<R> extends Yieldable<never> {
  readonly _tag = 'UnsuccessfulResult'
  constructor(readonly result: R) {
    super()
  }
}

class ExitCodeCmdImpl extends Yieldable<never> {
  readonly _tag = 'ExitCode'
  constructor(
    readonly status: number,
    readonly message: string | undefined,
  ) {
    super()
  }
}

/** Run the named step next, with these arguments (all of them are kept). */
export type Continue<
  N extends string = string,
  A extends readonly unknown[] = readonly unknown[],
> = ContinueCommand<N, A>

/** Wait for `resume(value)`, then run the named step with `[value]` as its arguments. */
export type Wait<N extends string = string> = WaitCommand<N>

/** Finish with this result. */
export type Stop<R = unknown> = StopCommand<R>

/** End the process KILLED with this message, keeping what the step did. */
export type Kill = KillCommand

/** Finish with `result`, not successfully. */
export type UnsuccessfulResult<R = unknown> = UnsuccessfulCommand<R>

/** Finish with an exit status (non-zero is not successful), as declared in the spec. */
export type ExitCodeCommand = ExitCodeCmdImpl

/** The commands that end a step. */
export type FlowCommand = Continue | Wait | Stop | Kill | UnsuccessfulResult | ExitCodeCommand

/** `Continue(step, ...args)`: run `step` next with `args`. */
export function Continue<const N extends string, const A extends readonly unknown[]>(
  step: N,
  ...args: A
): Continue<N, A> {
  return new ContinueCommand(step, args)
}

/** `Wait(step, message?, data?)`: wait for `resume(value)`, then run `step` with the value. */
export function Wait<const N extends string>(step: N, message?: string, data?: unknown): Wait<N> {
  return new WaitCommand(step, message, data)
}

/** `Stop(result, successful = true)`: finish. */
export function Stop<R = undefined>(result?: R, successful = true): Stop<R> {
  return new StopCommand(result as R, successful)
}

/**
 * `Kill(message?)`: end KILLED as the step's own outcome, keeping what it did. (To ask for a kill
 * and let the step go on, or to kill at once discarding the step, yield `kill(...)`.)
 */
export function Kill(message?: string): Kill {
  return new KillCommand(message)
}

/** `unsuccessful(result)`: finish with `result`, not successfully. */
export const unsuccessful = <R = undefined>(result?: R): UnsuccessfulResult<R> =>
  new UnsuccessfulCommand(result as R)

/** `exitCode(status, message?)`: finish with that exit status. */
export const exitCode = (status: number, message?: string): ExitCodeCommand =>
  new ExitCodeCmdImpl(status, message)

// The classes behind the command types, as types only: a definition's inferred type names them
// (its steps return commands), and a declaration file can only name what is exported.
export type {
  ContinueCommand,
  WaitCommand,
  StopCommand,
  KillCommand,
  UnsuccessfulCommand,
  ExitCodeCmdImpl,
}
