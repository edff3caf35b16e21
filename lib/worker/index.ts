/**
 * Workers: run processes for a broker's tasks on a shared store, with every process claimed by
 * one worker at a time, graceful shutdown, and revive for processes whose task was lost. The
 * `plumpy-ts worker`, `revive`, `list`, `show` and `status` commands are thin edges over this.
 */
export { Worker } from './worker.js'
export type { WorkerOptions, WorkerStopped } from './worker.js'
export { LocalClaims, LocalOwnership, OWNER_APPLICATION_PREFIX } from './ownership.js'
export type { Ownership } from './ownership.js'
export { PostgresOwnership, lockKeyOf } from './postgres-ownership.js'
export type { LockKey, PostgresOwnershipOptions } from './postgres-ownership.js'
export { WorkerStore, checkpointEveryTransition, writeAheadScheduler } from './store.js'
export { revive, describeReviveOutcome } from './revive.js'
export type { ReviveOptions, ReviveOutcome } from './revive.js'
export {
  UnknownProcessError,
  describeStoredProcess,
  formatListLine,
  listStoredProcesses,
  loadStoredProcess,
  summaryOf,
} from './inspect.js'
export type { StoredProcess } from './inspect.js'
export { describeLauncherEvent, workerLog, workerLogger } from './events.js'
export type { LogLine } from './events.js'
