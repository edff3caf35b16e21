/**
 * Errors of the communications layer. Each names what failed and why; senders can tell them
 * apart with `instanceof` (or `name`, once they crossed a process boundary).
 */

/** Any call on a communicator after `close()`. */
export class CommunicatorClosedError extends Error {
  override readonly name = 'CommunicatorClosedError'
  constructor(operation: string) {
    super(`the communicator is closed: ${operation} refused`)
  }
}

/** A message that no subscriber can receive, e.g. an RPC to an unknown recipient. */
export class UnroutableError extends Error {
  override readonly name = 'UnroutableError'
  constructor(message: string) {
    super(message)
  }
}

/**
 * A subscriber threw while handling a task or an RPC. `message` is the remote error's message,
 * word for word; `remoteName` is its class name (`Error`, `TypeError`, ...).
 */
export class RemoteError extends Error {
  override readonly name = 'RemoteError'
  constructor(
    readonly remoteName: string,
    message: string,
  ) {
    super(message)
  }
}

/** Options of a {@link TaskRejected}. */
export interface TaskRejectedOptions {
  /**
   * The answer when no subscriber takes the task: once every subscriber present has rejected it
   * (each with this option), the sender gets this error (as a `RemoteError`) instead of waiting
   * for a subscriber that may never come. Without it, a task that everybody rejects waits.
   */
  readonly ifNobodyTakesIt?: Error
}

/**
 * Thrown by a task handler that does not want a task (plumpy's `TaskRejected`): the task goes
 * back to the queue and another subscriber takes it (the sender never sees this error, unless
 * nobody takes the task and the rejection says what to answer then: `ifNobodyTakesIt`).
 */
export class TaskRejected extends Error {
  override readonly name = 'TaskRejected'
  readonly ifNobodyTakesIt: Error | undefined
  constructor(message = 'task rejected', options: TaskRejectedOptions = {}) {
    super(message)
    this.ifNobodyTakesIt = options.ifNobodyTakesIt
  }
}

/**
 * The connection to the broker dropped while a send waited for its confirmation or its answer.
 * The message may or may not have been delivered (a task may still run): the caller decides
 * whether sending again is safe.
 */
export class ConnectionLostError extends Error {
  override readonly name: string = 'ConnectionLostError'
  constructor(operation: string, cause?: unknown) {
    super(
      `the connection to the broker was lost during ${operation}; the message may or may not ` +
        `have been delivered`,
      cause === undefined ? undefined : { cause },
    )
  }
}

/**
 * A send made while the broker was away (the communicator reconnecting), given up after waiting
 * the `queueWithinMs` it was given: the message was never sent, and never will be.
 */
export class BrokerUnreachableError extends Error {
  override readonly name = 'BrokerUnreachableError'
  constructor(
    operation: string,
    /** How long the send waited for a connection. */
    readonly waitedMs: number,
  ) {
    super(`the broker was not reachable within ${waitedMs} ms: ${operation} not sent`)
  }
}

/**
 * A launch, continue or create whose connection dropped before its answer, sent again by the
 * `RemoteProcessController` for its whole re-send window without the broker coming back. Its
 * process may still run (the first send may have been queued before the drop): ask with
 * `getStatus(pid)`, or send `continueProcess(pid)` once the broker is back. A kind of
 * `ConnectionLostError`, so code that re-sends on its own still recognises it.
 */
export class ResendWindowExpiredError extends ConnectionLostError {
  override readonly name = 'ResendWindowExpiredError'
  constructor(
    /** What was sent: `launch Pipeline <pid>`, `continue <pid>`, … */
    readonly request: string,
    /** The process. */
    readonly pid: string,
    /** How long, after the connection dropped, the controller tried to send it again. */
    readonly windowMs: number,
    cause: unknown,
  ) {
    super(request, cause)
    this.message =
      `${request}: the connection to the broker was lost and did not come back within ` +
      `${windowMs} ms, so it was not sent again; process ${pid} may still run (ask ` +
      `getStatus('${pid}'), or continueProcess('${pid}') once the broker is back)`
  }
}

/** The kinds of subscribers a communicator has, as errors name them. */
export type SubscriberKind = 'task' | 'RPC' | 'broadcast'

const A_SUBSCRIBER: Readonly<Record<SubscriberKind, string>> = {
  task: 'a task subscriber',
  RPC: 'an RPC subscriber',
  broadcast: 'a broadcast subscriber',
}

/**
 * A subscriber identifier already in use: for tasks and broadcasts on this communicator, for RPC
 * on this communicator (or, locally, on this bus).
 */
export class DuplicateSubscriberError extends Error {
  override readonly name = 'DuplicateSubscriberError'
  constructor(
    readonly identifier: string,
    readonly kind: SubscriberKind,
  ) {
    super(`${A_SUBSCRIBER[kind]} with identifier '${identifier}' already exists`)
  }
}

/** The removal of a subscriber this communicator does not have (never added, or removed). */
export class UnknownSubscriberError extends Error {
  override readonly name = 'UnknownSubscriberError'
  constructor(
    readonly identifier: string,
    readonly kind: SubscriberKind,
  ) {
    super(`no ${kind} subscriber with identifier '${identifier}' to remove`)
  }
}

/** A task taken from a task queue, asked to do what its state does not allow (process it twice…). */
export class InvalidTaskStateError extends Error {
  override readonly name = 'InvalidTaskStateError'
  constructor(
    readonly operation: string,
    readonly state: string,
  ) {
    super(`cannot ${operation} a task that is ${state}`)
  }
}

/** A message or a result that cannot travel: it is not JSON (a BigInt, a cycle, ...). */
export class InvalidMessageError extends Error {
  override readonly name: string = 'InvalidMessageError'
  constructor(message: string) {
    super(message)
  }
}

/**
 * A message (or a result) larger than the communicator's `maxMessageBytes`: refused before it is
 * sent, or, when received, before it is parsed.
 */
export class MessageTooLargeError extends InvalidMessageError {
  override readonly name = 'MessageTooLargeError'
  constructor(
    /** What it was: `the task`, `the result`, `a broadcast`… */
    readonly what: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`${what} is ${bytes} bytes, over the limit of ${limit} bytes (maxMessageBytes)`)
  }
}

/** A broadcast filter that cannot match anything sensible (the empty string, or not a filter). */
export class InvalidFilterError extends Error {
  override readonly name = 'InvalidFilterError'
  constructor(readonly filter: unknown) {
    super(
      `invalid broadcast filter ${typeof filter === 'string' ? `'${filter}'` : String(filter)}: ` +
        'a filter is a non-empty string or a regular expression',
    )
  }
}

/**
 * An answer that is not what the request promises (a status without a state, a pid that is not
 * a string): the other side runs another version, or something else answers on the broker.
 */
export class MalformedReplyError extends Error {
  override readonly name = 'MalformedReplyError'
  constructor(
    /** What was asked: `getStatus(<pid>)`, `launchProcess(<definition>)`, ... */
    readonly request: string,
    /** What is wrong with the answer, path by path. */
    readonly problem: string,
  ) {
    super(`malformed reply to ${request}: ${problem}`)
  }
}
