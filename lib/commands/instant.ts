/**
 * Commands a step yields and gets answered at once, inside the step: emit an output, write a log
 * line, ask for a checkpoint, ask for a pause, play or kill. None of them ends the step; their
 * effects apply when the step's transition does (a log line, a checkpoint, a graceful pause or
 * kill), except a kill by force, which ends the step there and discards it.
 */
import { Yieldable } from './yieldable.js'

class OutCommand<P extends string, V> extends Yieldable<void> {
  readonly _tag = 'Out'
  constructor(
    readonly port: P,
    readonly value: V,
  ) {
    super()
  }
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

/** Emit `value` on the output port `port` (a dotted path in dynamic namespaces). */
export type Out<P extends string = string, V = unknown> = OutCommand<P, V>

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

/** `yield* out(port, value)`, or `return out(port, value)` from a plain step: emit an output. */
export const out = <const P extends string, V>(port: P, value: V): Out<P, V> =>
  new OutCommand(port, value)

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
