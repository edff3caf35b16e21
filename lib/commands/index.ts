/**
 * What steps yield (or return): commands as inert data, made by small constructors.
 *
 * - flow: `Continue`, `Wait`, `Stop`, `Kill`, `unsuccessful`, `exitCode` end the step;
 * - instant: `out`, `log`, `checkpoint`, `pause`, `play`, `kill` are answered inside the step;
 * - suspend: `toContext`, `waitForResume`, `sleep`, `sleepUntil` wait for the outside world and give back its answer.
 */
export { isCommand, Yieldable } from './yieldable.js'
export { Continue, Wait, Stop, Kill, unsuccessful, exitCode } from './flow.js'
export type {
  ExitCodeCommand,
  FlowCommand,
  UnsuccessfulResult,
  ContinueCommand,
  WaitCommand,
  StopCommand,
  KillCommand,
  UnsuccessfulCommand,
  ExitCodeCmdImpl,
} from './flow.js'
export { out, log, checkpoint, pause, play, kill } from './instant.js'
export type {
  Out,
  OutputMap,
  YieldsItself,
  Bivariant,
  Log,
  LogLevel,
  Checkpoint,
  RequestPause,
  RequestPlay,
  RequestKill,
  InstantCommand,
  OutCommand,
  LogCommand,
  CheckpointCommand,
  PauseRequest,
  PlayRequest,
  KillRequest,
} from './instant.js'
export { toContext, waitForResume, waitShape, SINGLE } from './suspend.js'
export { sleep, sleepUntil } from './time.js'
export { race, all, detached } from './combine.js'
export type { Race, All, RaceResult, RaceCommand, AllCommand } from './combine.js'
export { signal, waitForSignal, SIGNAL_NAME } from './signal.js'
export type { Signal, PayloadOf, WaitForSignal, WaitForSignalCommand } from './signal.js'
export type { Sleep, SleepCommand } from './time.js'
export { toMilliseconds, DurationError } from './duration.js'
export type { Duration, DurationUnit } from './duration.js'
export type {
  ToContext,
  ToContextEntry,
  ToContextResults,
  WaitForResume,
  SuspendCommand,
  ToContextCommand,
  WaitForResumeCommand,
  WaitShape,
} from './suspend.js'
export { launch, task, append_, toAwaitable } from './awaitables.js'
export type {
  Launch,
  Task,
  PromiseAwaitable,
  Awaitable,
  AwaitableLike,
  AwaitedValue,
  Appended,
  Timer,
  SignalWait,
  AwaitableCommand,
  AwaitOptions,
} from './awaitables.js'
export type { Command } from './command.js'
