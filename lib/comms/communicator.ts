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

/**
 * Which broadcasts a subscriber receives; absent filters match everything. A filter with `*`
 * must match the whole subject (sender), each `*` standing for any run of characters, dots
 * included: `state_changed.*.FINISHED` matches `state_changed.RUNNING.FINISHED`. A filter
 * without `*` matches by dotted prefix: `state_changed` matches `state_changed` and
 * `state_changed.RUNNING.WAITING` but not `state_changed_x`. A message without a subject
 * (sender) never matches a subject (sender) filter. See `matchesFilter`.
 */
export interface BroadcastFilterOptions {
  readonly subjectFilter?: string
  readonly senderFilter?: string
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

/** Tasks, RPC and broadcasts over some transport. Subscriber ids are opaque strings. */
export interface Communicator {
  /** Subscribes a task handler; resolves to its id. */
  addTaskSubscriber(handler: TaskHandler, options?: TaskSubscriberOptions): Promise<string>
  /**
   * Stops giving tasks to a subscriber; tasks it holds run to the end. Unknown ids are
   * ignored, so removing twice is harmless.
   */
  removeTaskSubscriber(id: string): Promise<void>
  /**
   * Sends a task to one subscriber and resolves to its result (a `RemoteError` if it threw).
   * A task sent while nobody subscribes waits in the queue until someone does.
   */
  taskSend(task: unknown, options?: TaskSendOptions): Promise<unknown>

  /** Subscribes an RPC handler under `identifier`; resolves to its id. */
  addRpcSubscriber(handler: RpcHandler, identifier: string): Promise<string>
  /** Unsubscribes an RPC handler; unknown ids are ignored. */
  removeRpcSubscriber(id: string): Promise<void>
  /**
   * Calls the RPC subscriber registered under `recipientId`: resolves to its result, rejects
   * with `UnroutableError` when there is none and with `RemoteError` when it throws.
   */
  rpcSend(recipientId: string, message: unknown): Promise<unknown>

  /** Subscribes a broadcast handler, optionally filtered; resolves to its id. */
  addBroadcastSubscriber(
    handler: BroadcastHandler,
    options?: BroadcastFilterOptions,
  ): Promise<string>
  /** Unsubscribes a broadcast handler; unknown ids are ignored. */
  removeBroadcastSubscriber(id: string): Promise<void>
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
