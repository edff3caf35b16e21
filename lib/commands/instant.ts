/**
 * Commands a step yields and gets answered at once, inside the step: emit an output, write a log
 * line, ask for a checkpoint, ask for a pause, play or kill. None of them ends the step; their
 * effects apply when the step's transition does (a log line, a checkpoint, a graceful pause or
 * kill), except a kill by force, which ends the step there and discards it.
 */
import { Yieldable } from './yieldable.js'

/**
 * The outputs a step may emit, as a map from dotted port path to value type. A step's definition
 * gives `out` its own map (`OutputValues` of its spec) through the step's contextual type; with
 * none, any port and value are accepted (a command built outside a step, in a test).
 */
export type OutputMap = { readonly [path: string]: unknown }

class OutCommand<P extends string, V, M> extends Yieldable<void> {
  readonly _tag = 'Out'
  /**
   * Type only, never set: the output map the command was checked against. It is what lets `out`
   * infer the map from the step's contextual type (the union of commands the step may give). A
   * method type, so that it is bivariant: an `out` built without a map still fits a step's union.
   */
  declare readonly _checkedAgainst?: Bivariant<M>
  constructor(
    readonly port: P,
    readonly value: V,
  ) {
    super()
  }
}

/** A function of `M` that the compiler compares both ways (a method's parameter is bivariant). */
export type Bivariant<M> = { check(outputs: M): void }['check']

/**
 * What `yield* out(...)` delegates to, stated without `this`: TypeScript infers `out`'s map from
 * the `Generator<…>` a `yield*` operand is contextually typed by only through this member.
 */
export interface YieldsItself<C> {
  [Symbol.iterator](): Iterator<C, void, unknown>
}

/** The levels of a step's log lines. */
export type LogLevel = 'info' | 'warn' | 'error'

class LogCommand extends Yieldable<void> {
  readonly _tag = 'Log'
  constructor(
    readonly level: LogLevel,
    readonly message: string,
  ) {
    super()
  }
}

class CheckpointCommand extends Yieldable<void> {
  readonly _tag = 'Checkpoint'
  constructor(readonly tag: string | undefined) {
    super()
  }
}

class PauseRequest extends Yieldable<void> {
  readonly _tag = 'RequestPause'
  constructor(readonly message: string | undefined) {
    super()
  }
}

class PlayRequest extends Yieldable<void> {
  readonly _tag = 'RequestPlay'
}

class KillRequest extends Yieldable<void> {
  readonly _tag = 'RequestKill'
  constructor(
    readonly message: string | undefined,
    readonly force: boolean,
  ) {
    super()
  }
}

/**
 * Emit `value` on the output port `port` (a dotted path in dynamic namespaces). `M` is the output
 * map it was checked against (see {@link OutputMap}).
 */
export type Out<P extends string = string, V = unknown, M = OutputMap> = OutCommand<P, V, M> &
  YieldsItself<OutCommand<P, V, M>>

/** A log line from a step; it goes to the runner's logger with the pid and the step's name. */
export type Log = LogCommand

/** Save a checkpoint under `tag` once the step's transition has applied. */
export type Checkpoint = CheckpointCommand

/** Pause once the step has finished and its transition applied. */
export type RequestPause = PauseRequest

/** Cancel a pause asked for during this step. */
export type RequestPlay = PlayRequest

/** Kill: gracefully once the step has finished, or at once (`force`), discarding the step. */
export type RequestKill = KillRequest

/** The commands answered inside the step. */
export type InstantCommand = Out | Log | Checkpoint | RequestPause | RequestPlay | RequestKill

/**
 * `yield* out(port, value)`, or `return out(port, value)` from a plain step: emit an output.
 *
 * Inside a step the port and the value are checked against the definition's outputs, and an
 * error points at the bad argument: `out('nope', 1)` (no such port), `out('y', 'one')` (`y` is a
 * number), `out('extra.a', 'x')` when `extra` is a dynamic namespace of numbers. The map comes
 * from the step's contextual type, which TypeScript gives a step that has parameters; the step
 * as a whole is checked as well, so a wrong `out` in a step without parameters is reported on
 * that step.
 */
export const out = <
  M = OutputMap,
  const P extends keyof M & string = keyof M & string,
  V extends M[P] = M[P],
>(
  port: P,
  value: V,
): Out<P, V, M> => new OutCommand<P, V, M>(port, value)

/**
 * `yield* log.info(message)`: a log line with the pid and the step's name, through the runner's
 * logger. A generator replayed from its journal does not log what it logged before.
 */
export const log = {
  info: (message: string): Log => new LogCommand('info', message),
  warn: (message: string): Log => new LogCommand('warn', message),
  error: (message: string): Log => new LogCommand('error', message),
}

/** `yield* checkpoint(tag?)`: save a checkpoint once this step's transition has applied. */
export const checkpoint = (tag?: string): Checkpoint => new CheckpointCommand(tag)

/** `yield* pause(message?)`: pause the process once this step has finished. */
export const pause = (message?: string): RequestPause => new PauseRequest(message)

/** `yield* play()`: cancel a pause asked for during this step. */
export const play = (): RequestPlay => PLAY

const PLAY = new PlayRequest()

/**
 * `yield* kill(message?)`: the step goes on to its end, then the process is KILLED instead of
 * its next state. With `{ force: true }` it is KILLED at once: the rest of the step never runs
 * and nothing the step did is kept.
 */
export const kill = (message?: string, options?: { readonly force?: boolean }): RequestKill =>
  new KillRequest(message, options?.force ?? false)

// The classes behind the command types, as types only: a definition's inferred type names them
// (its steps return commands), and a declaration file can only name what is exported.
export type { OutCommand, LogCommand, CheckpointCommand, PauseRequest, PlayRequest, KillRequest }
