/**
 * The communicator: how processes, launchers and controllers talk, in-process
 * ({@link LocalCommunicator}) or through RabbitMQ (`AmqpCommunicator` from `plumpy-ts/amqp`).
 *
 * Three kinds of messages, as in kiwipy:
 * - **tasks**: one of many subscribers takes each task; its result goes back to the sender;
 * - **RPC**: one-to-one, to the subscriber registered under a recipient identifier;
 * - **broadcasts**: to every broadcast subscriber whose filters match.
 *
 * Messages and results travel as JSON (both implementations copy them through JSON, so what
 * works locally works over the broker), and none larger than the communicator's
 * `maxMessageBytes` (default {@link DEFAULT_MAX_MESSAGE_BYTES}): a larger one is refused with
 * `MessageTooLargeError` before it is sent, or, received, before it is parsed. Every method of a closed communicator rejects with
 * `CommunicatorClosedError`, except `close()` (idempotent) and `isClosed()`.
 */

/**
 * Where a task or an RPC came from, for log lines: a malformed or refused message is reported
 * with these so that its sender can be found. Either may be unknown (a task sent without
 * waiting for a reply has no id over AMQP).
 */
export interface MessageOrigin {
  /** The message's correlation id. */
  readonly messageId?: string
  /** Who sent it: over AMQP, the sender's reply queue. */
  readonly sender?: string
}

/** What a task handler learns about a delivery besides the task itself. */
export interface TaskDelivery extends MessageOrigin {
  /**
   * True when the task was handed out before and not acknowledged: its earlier holder died,
   * was closed, or rejected it. A launcher must then expect that the work may have started.
   */
  readonly redelivered: boolean
  /**
   * Acknowledges the task now, before the handler settles. Until then the broker holds the
   * task for this subscriber: it takes one of the subscriber's slots, and if the worker dies
   * the task is redelivered to another (nothing is lost). Call `ack()` once the work is
   * durably owned elsewhere, typically when the launcher has saved the process's checkpoint,
   * so that a long handler (a process that runs for hours) neither hits the broker's
   * `consumer_timeout` nor keeps its slot. After `ack()`:
   * - a crash of this worker no longer redelivers the task (the checkpoint is the way back);
   * - the handler's result or exception still goes to the sender when it settles;
   * - throwing `TaskRejected` can no longer pass the task on: the sender gets a `RemoteError`.
   * Calling it more than once is harmless.
   */
  ack(): void
  /**
   * Hands the answer over to a new task: `task` is queued (persistently) with this task's
   * return address, so the sender gets the result of the handler that takes *it*; whatever
   * this handler returns or throws afterwards is dropped. Acknowledges this task (queued first:
   * a crash in between delivers both, never neither). For a task held too long for the broker's
   * consumer timeout whose sender still waits: the launcher hands it on to a continue task, so
   * that the answer always rests with a task in the queue. Resolves once the new task is queued.
   */
  passOn(task: unknown): Promise<void>
}

/**
 * Takes a task; its (awaited) result goes back to the sender. Throw `TaskRejected` to pass the
 * task to another subscriber; any other exception reaches the sender as a `RemoteError`.
 */
export type TaskHandler = (task: unknown, delivery: TaskDelivery) => unknown

/** How a task subscriber takes tasks. */
export interface TaskSubscriberOptions {
  /**
   * How many tasks this subscriber holds unacknowledged at once (the AMQP prefetch); a slot is
   * freed when the handler settles or calls `ack()`. Default {@link DEFAULT_TASK_SLOTS}.
   */
  readonly slots?: number
}

/** The default number of task slots of a subscriber. */
export const DEFAULT_TASK_SLOTS = 100

/** The slot count of a subscriber; a `RangeError` unless it is a positive integer. */
export const taskSlots = (options: TaskSubscriberOptions): number => {
  const slots = options.slots ?? DEFAULT_TASK_SLOTS
  if (!Number.isInteger(slots) || slots < 1) {
    throw new RangeError(`a task subscriber needs at least one slot (got ${slots})`)
  }
  return slots
}

/**
 * The largest message a communicator sends or takes by default, in bytes of JSON: 4 MiB. Tasks,
 * RPCs, broadcasts and results are small in this library (inputs, outputs, a status); a message
 * many times larger is a mistake or an attack, and is refused before it is parsed.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024

/** A `maxMessageBytes` option as a number; a `RangeError` unless it is a positive integer. */
export const maxMessageBytesOf = (value: number | undefined): number => {
  const limit = value ?? DEFAULT_MAX_MESSAGE_BYTES
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`maxMessageBytes must be a positive integer (got ${limit})`)
  return limit
}

/** Answers an RPC; the (awaited) result goes back to the sender, an exception as `RemoteError`. */
export type RpcHandler = (message: unknown, origin: MessageOrigin) => unknown

/** A broadcast as subscribers receive it. */
export interface BroadcastMessage {
  readonly body: unknown
  readonly sender?: string | undefined
  readonly subject?: string | undefined
  readonly correlationId?: string | undefined
}

/** Receives broadcasts; what it returns is ignored and what it throws is logged. */
export type BroadcastHandler = (message: BroadcastMessage) => unknown

/** A broadcast filter: a wildcard string (`state_changed.*.finished`) or a regular expression. */
export type BroadcastFilter = string | RegExp

/**
 * Which broadcasts a subscriber receives; absent filters match everything. A string filter with
 * `*` must match the whole subject (sender), each `*` standing for any run of characters, dots
 * included: `state_changed.*.FINISHED` matches `state_changed.RUNNING.FINISHED`. A string filter
 * without `*` matches by dotted prefix: `state_changed` matches `state_changed` and
 * `state_changed.RUNNING.WAITING` but not `state_changed_x`. String subject filters ignore case
 * (`state_changed.*.finished` works too); sender filters do not. A regular expression is tested
 * as written (`/^state_changed\.\w+\.(FINISHED|EXCEPTED)$/`). A message without a subject
 * (sender) never matches a subject (sender) filter. See `matchesFilter`.
 */
export interface BroadcastFilterOptions {
  readonly subjectFilter?: BroadcastFilter
  readonly senderFilter?: BroadcastFilter
}

/** How a task is sent. */
export interface TaskSendOptions {
  /**
   * Do not wait for the result: the send resolves (to `undefined`) once the task is queued
   * (over AMQP: confirmed by the broker). The task still runs exactly once.
   */
  readonly noReply?: boolean
  /**
   * Give up when the task cannot be queued within this many milliseconds because the broker is
   * away (the communicator is reconnecting): the send rejects with `BrokerUnreachableError` and
   * the task is never sent, not even once the broker is back. Default: wait as long as the
   * communicator reconnects. A `LocalCommunicator` queues at once.
   */
  readonly queueWithinMs?: number
}

/** Optional fields of a broadcast. */
export interface BroadcastSendOptions {
  readonly sender?: string
  readonly subject?: string
  readonly correlationId?: string
}

/** Where a task stands: taken and not yet dealt with, being processed, answered, put back. */
export type IncomingTaskState = 'pending' | 'processing' | 'done' | 'requeued'

/**
 * The outcome of a task being processed: settle it once, and the sender gets it (if a sender
 * waits); the task is then acknowledged, and leaves the queue for good.
 */
export interface TaskProcessing {
  /**
   * Answers with `value` (awaited first when it is a Promise; one that rejects answers with its
   * error). Resolves once the answer is sent and the task acknowledged.
   */
  resolve(value: unknown): Promise<void>
  /** Answers with `error`: the sender gets a `RemoteError` with its message. */
  reject(error: unknown): Promise<void>
}

/** A task taken from a {@link TaskQueue}. Held (unacknowledged) until processed or put back. */
export interface IncomingTask {
  /** The task as sent (copied through JSON). */
  readonly body: unknown
  /** Taken before and put back (by a program, or because its taker went away). */
  readonly redelivered: boolean
  /** Whether a sender waits for the outcome (false for a task sent with `noReply`). */
  readonly awaited: boolean
  readonly state: IncomingTaskState
  /**
   * Starts processing the task: settle the returned outcome to answer the sender. A task that
   * is processed stays with its taker until then; if the taker's communicator closes (or its
   * connection drops) first, the task goes back to the queue. `InvalidTaskStateError` unless
   * the task is pending.
   */
  process(): TaskProcessing
  /** Puts the task back in the queue. `InvalidTaskStateError` unless the task is pending. */
  requeue(): Promise<void>
}

/**
 * A named task queue to pull from, one task at a time. Tasks come in the order they were sent
 * (a task put back comes again before the others).
 */
export interface TaskQueue extends AsyncIterable<IncomingTask> {
  readonly name: string
  /** Sends a task to this queue, as `Communicator.taskSend` does to its own. */
  taskSend(task: unknown, options?: TaskSendOptions): Promise<unknown>
  /**
   * Takes the next task, or resolves to `undefined` when the queue is empty now: how a program
   * tells an empty queue. The task is held until processed or put back.
   */
  next(): Promise<IncomingTask | undefined>
  /**
   * `for await (const task of queue)`: takes the tasks one by one, each when the loop asks for
   * it, and ends when the queue is empty. When the loop ends (empty, `break`, or an exception),
   * the tasks it took and neither processed nor put back go back to the queue, so a loop that
   * takes only what it wants leaves the rest for later.
   */
  [Symbol.asyncIterator](): AsyncIterator<IncomingTask>
}

/**
 * Tasks, RPC and broadcasts over some transport. Every subscriber has an identifier: the one
 * given when it was added (unique among this communicator's subscribers of its kind), or a fresh
 * one; adding resolves to it, and removing takes it. Removing an identifier this communicator
 * does not have (never added, or already removed) rejects with `UnknownSubscriberError`.
 * `await using communicator = …` closes it at the end of the block (`Symbol.asyncDispose`).
 */
export interface Communicator extends AsyncDisposable {
  /**
   * Subscribes a task handler under `identifier` (a fresh one when absent); resolves to the
   * identifier. `DuplicateSubscriberError` when this communicator already has it.
   */
  addTaskSubscriber(
    handler: TaskHandler,
    identifier?: string,
    options?: TaskSubscriberOptions,
  ): Promise<string>
  /** Stops giving tasks to a subscriber; tasks it holds run to the end. */
  removeTaskSubscriber(identifier: string): Promise<void>
  /**
   * Sends a task to one subscriber and resolves to its result (a `RemoteError` if it threw).
   * A task sent while nobody subscribes waits in the queue until someone does.
   */
  taskSend(task: unknown, options?: TaskSendOptions): Promise<unknown>
  /**
   * The task queue `name`, to pull tasks from one by one (kiwipy's `task_queue`), or to send
   * tasks to; shared by every communicator on the same bus or broker (and prefix), apart from
   * the queue of `taskSend` and `addTaskSubscriber`. See {@link TaskQueue}.
   */
  taskQueue(name: string): TaskQueue

  /**
   * Subscribes an RPC handler under `identifier` (a fresh one when absent): RPCs sent to it
   * reach the handler. Resolves to the identifier; `DuplicateSubscriberError` when it is taken.
   */
  addRpcSubscriber(handler: RpcHandler, identifier?: string): Promise<string>
  /** Unsubscribes the RPC handler registered under `identifier`. */
  removeRpcSubscriber(identifier: string): Promise<void>
  /**
   * Calls the RPC subscriber registered under `recipientId`: resolves to its result, rejects
   * with `UnroutableError` when there is none and with `RemoteError` when it throws.
   */
  rpcSend(recipientId: string, message: unknown): Promise<unknown>

  /**
   * Subscribes a broadcast handler, optionally filtered, under `identifier` (a fresh one when
   * absent); resolves to the identifier.
   */
  addBroadcastSubscriber(
    handler: BroadcastHandler,
    filter?: BroadcastFilterOptions,
    identifier?: string,
  ): Promise<string>
  /** Unsubscribes a broadcast handler. */
  removeBroadcastSubscriber(identifier: string): Promise<void>
  /** Sends a broadcast to every matching subscriber, this communicator's own included. */
  broadcastSend(body: unknown, options?: BroadcastSendOptions): Promise<void>

  /**
   * Closes the communicator: subscriptions end, pending sends reject with
   * `CommunicatorClosedError`, tasks held unacknowledged go back to the queue. Idempotent.
   */
  close(): Promise<void>
  /** Whether `close()` was called. */
  isClosed(): boolean
}
