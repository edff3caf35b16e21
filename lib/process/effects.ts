/**
 * Effects: what the reducer asks its host to do. They are plain data; the interpreter performs
 * them in order through one runner per kind (`lib/interpreter/`), and so can your own loop (see
 * the README, "Embedding").
 */
import type { LogLevel } from '../commands/instant.js'
import type { ErrorInfo } from './errors.js'
import type { ProcessEvent } from './events.js'
import type { StateName } from './state.js'
import type { AwaitableRef } from './awaitable.js'

/** The hooks a definition may implement, in the order plumpy calls them. */
export const HOOK_NAMES = [
  'onCreate',
  'onRun',
  'onRunning',
  'onExitRunning',
  'onWait',
  'onWaiting',
  'onExitWaiting',
  'onFinish',
  'onFinished',
  'onExcept',
  'onExcepted',
  'onKill',
  'onKilled',
  'onPause',
  'onPlay',
  'onOutputEmitted',
  'onClose',
  'onTerminated',
] as const

/** A hook a definition may implement. */
export type HookName = (typeof HOOK_NAMES)[number]

/** What process listeners are told (SEMANTICS.md "Listeners"). */
export type ListenerEvent =
  | { readonly _tag: 'created' }
  | { readonly _tag: 'running' }
  | { readonly _tag: 'waiting' }
  | { readonly _tag: 'paused' }
  | { readonly _tag: 'played' }
  | {
      readonly _tag: 'outputEmitted'
      readonly port: string
      readonly value: unknown
      readonly dynamic: boolean
    }
  | { readonly _tag: 'finished'; readonly outputs: Readonly<Record<string, unknown>> }
  | { readonly _tag: 'excepted'; readonly error: ErrorInfo }
  | { readonly _tag: 'killed'; readonly message: string | undefined }

/** Call a definition hook. A throwing hook is reported back as a `Fail` event. */
export interface CallHook {
  readonly _tag: 'Hook'
  readonly hook: HookName
  readonly args: readonly unknown[]
}

/** Tell the listeners. A throwing listener is logged and ignored. */
export interface Notify {
  readonly _tag: 'Notify'
  readonly event: ListenerEvent
}

/** The state changed (`from` is null when the process is created): broadcast, checkpoint. */
export interface StateChanged {
  readonly _tag: 'StateChanged'
  readonly from: StateName | null
  readonly to: StateName
}

/**
 * The process can take its next step: send `StepStarted` (the host chooses when: now, or on a
 * later turn of its loop).
 */
export interface RunStep {
  readonly _tag: 'RunStep'
}

/** Run the step at the RUNNING position now, and send `StepCompleted` or `StepFailed`. */
export interface ExecuteStep {
  readonly _tag: 'ExecuteStep'
}

/** Watch the awaitable in `slot` and report it with `AwaitableSettled` / `AwaitableFailed`. */
export interface Await {
  readonly _tag: 'Await'
  readonly slot: number
  readonly ref: AwaitableRef
}

/**
 * Stop watching what a process no longer waits for (the losers of a race): clear timers, kill
 * children (unless detached), abandon tasks and promises.
 */
export interface CancelAwaited {
  readonly _tag: 'CancelAwaited'
  readonly awaited: readonly { readonly slot: number; readonly ref: AwaitableRef }[]
}

/**
 * Start the next attempt of the retried entry in `slot` (its backoff is over): launch the child
 * again, or call the task's `start` again, and send `AwaitableRestarted` with what it awaits
 * now (or `AwaitableFailed`, judged, when it cannot be started again).
 */
export interface RestartAwaited {
  readonly _tag: 'RestartAwaited'
  readonly slot: number
}

/**
 * A signal no wait names yet was kept in the inbox: nothing else changed, yet a checkpointing
 * host saves the process now, so that a signal its sender saw accepted outlives a crash.
 */
export interface SignalKept {
  readonly _tag: 'SignalKept'
}

/** Kill the children a killed process was waiting on. */
export interface KillChildren {
  readonly _tag: 'KillChildren'
  readonly pids: readonly string[]
  readonly message: string | undefined
}

/** The answer to a request (`pause`, `play`, `kill`, `resume`) known at once. */
export interface Reply {
  readonly _tag: 'Reply'
  readonly value: boolean
}

/** The request was deferred until the running step finishes; a `Settle` will follow. */
export interface Defer {
  readonly _tag: 'Defer'
  readonly action: 'pause' | 'kill'
}

/** A deferred request was carried out (`true`) or cancelled or overtaken (`false`). */
export interface Settle {
  readonly _tag: 'Settle'
  readonly action: 'pause' | 'kill'
  readonly value: boolean
}

/** The request is not valid in this state (for example `resume` while RUNNING). */
export interface Reject {
  readonly _tag: 'Reject'
  readonly error: ErrorInfo
}

/** Send this event to the process after the current one (the interpreter does it itself). */
export interface Raise {
  readonly _tag: 'Raise'
  readonly event: ProcessEvent
}

/** The process has closed: settle what still waits on it, and let it go. */
export interface Terminated {
  readonly _tag: 'Terminated'
}

/** Save a checkpoint a step asked for, under `tag`. */
export interface SaveCheckpoint {
  readonly _tag: 'Checkpoint'
  readonly tag: string | undefined
}

/** A log line: from a step (`step` names it), or from the reducer about something it ignored. */
export interface WriteLog {
  readonly _tag: 'Log'
  readonly level: LogLevel
  readonly message: string
  readonly step?: string | undefined
}

/** Every effect. */
export type Effect =
  | CallHook
  | Notify
  | StateChanged
  | RunStep
  | ExecuteStep
  | Await
  | CancelAwaited
  | RestartAwaited
  | SignalKept
  | KillChildren
  | Reply
  | Defer
  | Settle
  | Reject
  | Raise
  | Terminated
  | SaveCheckpoint
  | WriteLog
