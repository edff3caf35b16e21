/**
 * Workers: run processes for a broker's tasks on a shared store, with every process tree claimed
 * by one worker at a time, graceful shutdown, recovery of processes whose worker died, revive
 * and prune. The `plumpy-ts worker`, `revive`, `prune`, `list`, `show` and `status` commands
 * are thin edges over this.
 */
export { Worker } from './worker.js'
export type { WorkerOptions, WorkerStopped } from './worker.js'
export { LocalClaims, LocalOwnership, OWNER_APPLICATION_PREFIX } from './ownership.js'
export type { FencedWriter, Ownership } from './ownership.js'
export { PostgresClaims, PostgresOwnership } from './postgres-ownership.js'
export type { PostgresOwnershipOptions } from './postgres-ownership.js'
export type { LeaseReconnectOptions } from './lease.js'
export { WorkerStore, checkpointEveryTransition, writeAheadScheduler } from './store.js'
export type { WorkerStoreOptions } from './store.js'
export { revive, describeReviveOutcome } from './revive.js'
export type { ReviveOptions, ReviveOutcome } from './revive.js'
export { prune, describePruneOutcome } from './prune.js'
export type { PruneOptions, PruneOutcome } from './prune.js'
export { Recovery } from './recovery.js'
export type { OrphanFinder, RecoveryOptions } from './recovery.js'
export {
  UnknownProcessError,
  describeStoredProcess,
  formatListLine,
  listStoredProcesses,
  loadStoredProcess,
  summaryOf,
} from './inspect.js'
export type { DescribeOptions, StoredProcess, StoredTimes } from './inspect.js'
export { describeLauncherEvent, workerLog, workerLogger } from './events.js'
