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

/**
 * Thrown by a task handler that does not want a task: the task goes back to the queue and
 * another subscriber takes it (the sender never sees this error).
 */
export class TaskRejected extends Error {
  override readonly name = 'TaskRejected'
  constructor(message = 'task rejected') {
    super(message)
  }
}

/**
 * The connection to the broker dropped while a send waited for its confirmation or its answer.
 * The message may or may not have been delivered (a task may still run): the caller decides
 * whether sending again is safe.
 */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError'
  constructor(operation: string, cause?: unknown) {
    super(
      `the connection to the broker was lost during ${operation}; the message may or may not ` +
        `have been delivered`,
      cause === undefined ? undefined : { cause },
    )
  }
}

/** An RPC identifier that this communicator (or, locally, this bus) already serves. */
export class DuplicateSubscriberError extends Error {
  override readonly name = 'DuplicateSubscriberError'
  constructor(readonly identifier: string) {
    super(`an RPC subscriber with identifier '${identifier}' already exists`)
  }
}

/** A message or a result that cannot travel: it is not JSON (a BigInt, a cycle, ...). */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError'
  constructor(message: string) {
    super(message)
  }
}

/** A broadcast filter that cannot match anything sensible (the empty string). */
export class InvalidFilterError extends Error {
  override readonly name = 'InvalidFilterError'
  constructor(readonly filter: string) {
    super(`invalid broadcast filter '${filter}': a filter is a non-empty string`)
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
