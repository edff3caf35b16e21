/**
 * What running a handler came to, as it travels back to the sender, and the JSON rules that
 * every message and result obeys in both communicators.
 */
import {
  InvalidMessageError,
  MessageTooLargeError,
  RemoteError,
  TaskRejected,
  UnroutableError,
} from './errors.js'

/** An error as it crosses the wire: its class name and message. */
export interface RemoteFailure {
  readonly name: string
  readonly message: string
}

/** The answer to a task or an RPC. */
export type Outcome =
  | { readonly _tag: 'Ok'; readonly value: unknown }
  | { readonly _tag: 'Failed'; readonly error: RemoteFailure }
  | { readonly _tag: 'Unroutable'; readonly message: string }

/** A handler's result. */
export const ok = (value: unknown): Outcome => ({ _tag: 'Ok', value })

/** A handler's exception, reduced to what can cross the wire. */
export const failed = (error: unknown): Outcome => ({
  _tag: 'Failed',
  error: remoteFailureOf(error),
})

/** An error reduced to what crosses the wire: its class name and message. */
export const remoteFailureOf = (error: unknown): RemoteFailure =>
  error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) }

/** Nobody took the message. */
export const unroutable = (message: string): Outcome => ({ _tag: 'Unroutable', message })

/** The value of an outcome for the sender: the result, or the error it stands for. */
export const settleOutcome = (outcome: Outcome): unknown => {
  switch (outcome._tag) {
    case 'Ok':
      return outcome.value
    case 'Failed':
      throw new RemoteError(outcome.error.name, outcome.error.message)
    case 'Unroutable':
      throw new UnroutableError(outcome.message)
    default:
      return outcome satisfies never
  }
}

/**
 * The handler threw `TaskRejected`: the task goes back to the queue, and, if it says so, the
 * sender gets `ifNobodyTakesIt` once every subscriber has rejected it.
 */
export interface Rejection {
  readonly _tag: 'Rejected'
  readonly ifNobodyTakesIt: RemoteFailure | undefined
}

/** What running a handler came to: an outcome for the sender, or a rejection. */
export type HandlerResult = Outcome | Rejection

/**
 * Runs a handler to its end: its awaited result (a Promise that resolves to a Promise resolves
 * through), its exception, or its rejection. Never throws, never runs the handler
 * synchronously inside a send: callers schedule it.
 */
export const runHandler = async (call: () => unknown): Promise<HandlerResult> => {
  try {
    return ok(await call())
  } catch (error) {
    if (!(error instanceof TaskRejected)) return failed(error)
    const fallback = error.ifNobodyTakesIt
    return {
      _tag: 'Rejected',
      ifNobodyTakesIt: fallback === undefined ? undefined : remoteFailureOf(fallback),
    }
  }
}

/**
 * A handler result as an outcome, where nobody else can take the message (an RPC, a broadcast):
 * a rejection is a failure.
 */
export const asOutcome = (result: HandlerResult): Outcome =>
  result._tag === 'Rejected' ? failed(new TaskRejected()) : result

/**
 * JSON text of a value, or `InvalidMessageError` naming `what` when it has none (a BigInt, a
 * cycle), or `MessageTooLargeError` when its UTF-8 form is over `maxBytes`. `undefined` (and
 * functions) give `undefined`, as in an object field.
 */
export const toJsonText = (value: unknown, what: string, maxBytes: number): string | undefined => {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (error) {
    throw new InvalidMessageError(`${what} is not JSON: ${String(error)}`)
  }
  if (text !== undefined) checkSize(text, what, maxBytes)
  return text
}

/** `MessageTooLargeError` when `text` takes more than `maxBytes` bytes in UTF-8. */
export const checkSize = (text: string, what: string, maxBytes: number): void => {
  // A UTF-16 unit takes at most 3 bytes in UTF-8: most messages need no count.
  if (text.length * 3 <= maxBytes) return
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > maxBytes) throw new MessageTooLargeError(what, bytes, maxBytes)
}

/** A copy of a value through JSON, as if it had crossed the wire. */
export const copyThroughJson = (value: unknown, what: string, maxBytes: number): unknown => {
  const text = toJsonText(value, what, maxBytes)
  return text === undefined ? undefined : (JSON.parse(text) as unknown)
}

/**
 * An outcome whose value has crossed the wire: a result that is not JSON, or too large, becomes
 * a failure the sender can read, instead of an exception on the receiving side.
 */
export const copyOutcome = (outcome: Outcome, maxBytes: number): Outcome => {
  if (outcome._tag !== 'Ok') return outcome
  try {
    return ok(copyThroughJson(outcome.value, 'the result', maxBytes))
  } catch (error) {
    return failed(error)
  }
}
