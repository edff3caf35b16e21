/**
 * Signals: typed external events. `signal('approve', t.type({ by: t.string }))` names one and
 * gives the codec its payload is checked with where it enters (the process handle, a
 * controller, the command line); `yield* waitForSignal(Approve)` suspends until one arrives and
 * gives its decoded payload. A signal sent before the process waits for it is kept in the
 * process's inbox (in its checkpoint) and delivered when it does.
 */
import type * as t from 'io-ts'
import type { SignalWait } from './awaitables.js'
import { Yieldable } from './yieldable.js'

/** A signal's name: 1 to 64 of `A-Z a-z 0-9 _ - .`. */
export const SIGNAL_NAME = /^[A-Za-z0-9_.-]{1,64}$/

/** The codec of a signal's payload, as a signal keeps it (methods, so any `Signal<T>` is a `Signal`). */
export interface PayloadCodec<T> {
  readonly name: string
  decode(input: unknown): t.Validation<T>
  encode(value: T): unknown
}

/** A kind of signal: its name and the codec of its payload (`T` decoded, as steps see it). */
export interface Signal<T = unknown> {
  readonly _tag: 'Signal'
  readonly name: string
  readonly codec: PayloadCodec<T>
}

/**
 * Declare a signal. Throws a `RangeError` for a name outside `SIGNAL_NAME` (names travel in
 * messages and on the command line).
 */
export const signal = <T, O = T>(name: string, codec: t.Type<T, O, unknown>): Signal<T> => {
  if (!SIGNAL_NAME.test(name))
    throw new RangeError(
      `signal name ${JSON.stringify(name)}: 1 to 64 of A-Z a-z 0-9 _ - . are allowed`,
    )
  return { _tag: 'Signal', name, codec }
}

/** The payload type of a signal. */
export type PayloadOf<S> = S extends Signal<infer T> ? T : never

class WaitForSignalCommand<T> extends Yieldable<T> {
  readonly _tag = 'WaitForSignal'
  readonly awaitable: SignalWait<T>
  constructor(readonly signal: Signal<T>) {
    super()
    this.awaitable = { _tag: 'SignalWait', signal }
  }
}

/** A wait for a signal as a command; also an entry of `race({...})` and `all({...})`. */
export type WaitForSignal<T = unknown> = WaitForSignalCommand<T>

/**
 * `const { by } = yield* waitForSignal(Approve)`: WAITING until an `approve` signal arrives (or
 * take the oldest one the inbox holds); `yield*` gives its payload, decoded by its codec.
 */
export const waitForSignal = <T>(signal: Signal<T>): WaitForSignal<T> =>
  new WaitForSignalCommand(signal)

export type { WaitForSignalCommand }
