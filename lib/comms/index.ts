/**
 * Communications: the `Communicator` interface (tasks, RPC, broadcasts), its errors, broadcast
 * filters and the in-process `LocalCommunicator`. The RabbitMQ communicator lives in
 * `plumpy-ts/amqp`, so that this entry point never loads amqplib.
 */
export type {
  BroadcastFilter,
  BroadcastFilterOptions,
  BroadcastHandler,
  BroadcastMessage,
  BroadcastSendOptions,
  Communicator,
  IncomingTask,
  IncomingTaskState,
  MessageOrigin,
  RpcHandler,
  TaskDelivery,
  TaskHandler,
  TaskProcessing,
  TaskQueue,
  TaskSendOptions,
  TaskSubscriberOptions,
} from './communicator.js'
export { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_TASK_SLOTS } from './communicator.js'
export {
  BrokerUnreachableError,
  CommunicatorClosedError,
  ConnectionLostError,
  DuplicateSubscriberError,
  InvalidFilterError,
  InvalidMessageError,
  InvalidTaskStateError,
  MalformedReplyError,
  MessageTooLargeError,
  RemoteError,
  ResendWindowExpiredError,
  TaskRejected,
  UnknownSubscriberError,
  UnroutableError,
  type SubscriberKind,
  type TaskRejectedOptions,
} from './errors.js'
export {
  broadcastPredicate,
  compileFilter,
  matchesFilter,
  type FilterOptions,
  type FilterPredicate,
} from './filters.js'
export { LocalBus } from './local/bus.js'
export { LocalCommunicator, type LocalCommunicatorOptions } from './local.js'
export { processControl, statusOf } from './process-control.js'
export type { ProcessControl, ProcessControlOptions } from './process-control.js'
export { ProcessLauncher, ProcessRunningElsewhereError } from './launcher.js'
export type { LauncherOptions, LauncherOwnership, LauncherEvent } from './launcher.js'
export { PidConflictError, canonicalJson, type LaunchIdentity } from './same-process.js'
export { RemoteProcessController } from './controller.js'
export type { ControllerOptions, LaunchOptions } from './controller.js'
export { DEFAULT_RESEND_WINDOW_MS } from './resend.js'
export {
  INTENT_SUBJECT_PREFIX,
  intentSubject,
  readControlBroadcast,
  type ControlIntent,
  type ControlReading,
} from './control-broadcasts.js'
export {
  IntentMessage,
  LauncherTask,
  Pid,
  ProcessStatusReply,
  decodeLauncherTask,
  decodeMessage,
  stateChangedSubject,
} from './messages.js'
export type { ProcessStatus } from './messages.js'
