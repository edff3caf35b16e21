/** The options and events of a `ProcessLauncher` (see `launcher.ts`). */
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { Persister } from '../persistence/persister.js'
import type { Runner } from '../runtime/runner.js'
import type { LauncherTask } from './messages.js'

/** A claim, and what the store held of its pid once it was claimed. */
export interface CheckedClaim {
  /** True when this worker holds the pid afterwards; false when another one does. */
  readonly claimed: boolean
  /**
   * Whether the store held a checkpoint (untagged) of the pid, read once the claim was held;
   * undefined when not read.
   */
  readonly stored: boolean | undefined
}

/** What a launcher needs of an ownership (the worker's `Ownership` is one). */
export interface LauncherOwnership {
  /** True when this worker holds `pid` afterwards; false when another one does. */
  claim(pid: string): Promise<boolean>
  /**
   * A claim that also reads whether the store holds a checkpoint of `pid` (in the same round
   * trip): a launch that finds none creates its process without reading the store again.
   */
  claimChecked?(pid: string): Promise<CheckedClaim>
  release(pid: string): Promise<void>
  /** Who holds `pid`, if anyone. */
  ownerOf(pid: string): Promise<string | undefined>
}

/** What a launcher reports, for a worker's log. */
export type LauncherEvent =
  | { readonly _tag: 'TaskReceived'; readonly task: LauncherTask; readonly redelivered: boolean }
  | { readonly _tag: 'TaskAcknowledged'; readonly pid: string; readonly reason: 'nowait' }
  /** Held for the hold limit: a continue task with the sender's address took its place. */
  | { readonly _tag: 'TaskHandedOn'; readonly pid: string }
  | {
      readonly _tag: 'RunningElsewhere'
      readonly pid: string
      readonly owner: string
      readonly action: 'refused' | 'following' | 'answered'
    }
  | { readonly _tag: 'TakenOver'; readonly pid: string }

/** Where a launcher runs processes. */
export interface LauncherOptions {
  readonly runner: Runner
  readonly registry: DefinitionRegistry
  /** Needed for `persist` and `continue` tasks; without one they are refused. */
  readonly persister?: Persister
  /**
   * Hand on a task held longer than this (ms), once its process is checkpointed, so that the
   * broker's consumer timeout never closes the channel: a continue task with the sender's return
   * address takes its place in the queue. The process goes on here; if this worker dies, the
   * continue task is redelivered and another worker takes the process over. Default 10 minutes.
   */
  readonly holdLimitMs?: number
  /** Refuse new tasks (they go to another subscriber), e.g. while shutting down. */
  readonly accepting?: () => boolean
  /**
   * At most this many processes started by tasks (children not counted, nor processes parked on
   * signals or timers: see `isParked`) live on the runner: a task for one more goes back to the
   * queue. Slots bound the tasks held unacknowledged; this bounds the processes, also once their
   * tasks were acknowledged early. Default: no bound.
   */
  readonly maxProcesses?: number
  /** Claim processes before running them, so that no two workers run one process. */
  readonly ownership?: LauncherOwnership
  /**
   * Resolves once every checkpoint of `pid` saved so far is written; a claim is released and an
   * answer sent only then. Rejects when they were not because this launcher's worker lost the
   * process or let it go (a fenced write refused, saves dropped): its task is then not answered
   * but goes back to the queue (`TaskRejected`). Default: `runner.flush()` (every process's).
   */
  readonly written?: (pid: string) => Promise<void>
  /**
   * Resolves once the process with this pid answers RPC (`ProcessControl.reachable`): a nowait
   * launch is acknowledged and answered only then, so that a status request sent right after
   * the pid arrives is never unroutable. Default: `runner.reachable(pid)`, which waits for the
   * runner's `processControl` plugin (and any other plugin that exposes processes).
   */
  readonly reachable?: (pid: string) => Promise<void>
  /** Told of tasks received, acknowledged, refused or followed. */
  readonly onEvent?: (event: LauncherEvent) => void
  /** First delay between two looks at a process running elsewhere (ms, doubling to 2 s). */
  readonly followIntervalMs?: number
}
