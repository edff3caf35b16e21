/**
 * Recording process history: a runner plugin that appends an entry to a store's history at
 * every state change, pause and play of the runner's processes, with the time from the runner's
 * clock port, the step whose run made the change, the time spent in the state left, and the
 * status. Entries are appended in batches, one in flight at a time: the entries of a window
 * (`batchWindowMs`, 50 ms by default) go in one write, and those recorded while a write is in
 * flight go in the next. A runner finishing hundreds of processes a second then costs the store
 * a few commits a second for its history instead of one per transition, commits that would
 * otherwise compete with the checkpoints' own.
 *
 * History is for people: an append that fails for a while (the database restarting) is tried
 * again until it succeeds; one that fails for another reason is logged and its entries dropped.
 */
import type { HistoryEntry, ProcessHistory } from '../persistence/catalog/history.js'
import { isTransientStoreError } from '../persistence/transient.js'
import type { StateName } from '../process/state.js'
import type { Clock, Logger } from './environment.js'
import type { ProcessHandle } from './handle.js'
import type { RunnerPlugin } from './runner.js'

/** What {@link recordHistory} needs. */
export interface HistoryRecorderOptions {
  /** Where entries go. */
  readonly history: ProcessHistory
  /** The runner's clock (`runner.clock`): the only source of the entries' times. */
  readonly clock: Clock
  /** Told of appends that fail. */
  readonly logger: Logger
  /** The longest wait between two tries of a failing append (default 2 s; the first is 100 ms). */
  readonly maxRetryDelayMs?: number
  /**
   * How long entries wait to be appended with those recorded after them (default 50 ms; 0
   * appends the entries of each turn of the event loop on their own, a microtask later).
   */
  readonly batchWindowMs?: number
}

/** The plugin, and a way to wait for what it has recorded so far. */
export interface HistoryRecorder extends RunnerPlugin {
  /** Resolves once every entry recorded so far has been appended (or dropped). */
  flush(): Promise<void>
  /** Stop retrying; entries not appended yet are dropped. */
  stop(): void
}

/**
 * A runner plugin recording the history of every process of the runner into `history`.
 *
 * @example
 * const persister = new SqlitePersister({ path: 'plumpy.db' })
 * const runner = new Runner({ persister, checkpoints: 'every-transition' })
 * runner.use(recordHistory({ history: persister, clock: runner.clock, logger: runner.logger }))
 */
export const recordHistory = (options: HistoryRecorderOptions): HistoryRecorder => {
  const { history, clock, logger } = options
  /** When each live process entered its current state, by pid (as far as this runner saw). */
  const entered = new Map<string, number>()
  /** The step each process ran last, until its transition is recorded. */
  const ran = new Map<string, string>()
  const windowMs = options.batchWindowMs ?? 50
  let pending: HistoryEntry[] = []
  /** The write in flight (or the last one), and whether a batch is waiting for its window. */
  let writing: Promise<void> = Promise.resolve()
  let inFlight = false
  let window: ReturnType<typeof setTimeout> | undefined
  let scheduled = false
  let stopped = false

  /** Append what is pending once the write in flight is done (entries arriving meanwhile join). */
  const writeNow = () => {
    scheduled = false
    if (window !== undefined) clearTimeout(window)
    window = undefined
    if (inFlight || pending.length === 0) return
    const batch = pending
    pending = []
    inFlight = true
    writing = append(batch).finally(() => {
      inFlight = false
      if (pending.length > 0 && !scheduled) schedule()
    })
  }

  const schedule = () => {
    scheduled = true
    if (windowMs === 0) queueMicrotask(writeNow)
    else window = setTimeout(writeNow, windowMs)
  }

  const record = (
    process: ProcessHandle,
    at: number,
    entry: Omit<HistoryEntry, 'pid' | 'at' | 'status'>,
  ) => {
    pending.push({ pid: process.pid, at, status: process.status, ...entry })
    if (!scheduled && !inFlight) schedule()
  }

  const append = async (batch: readonly HistoryEntry[]): Promise<void> => {
    const longest = options.maxRetryDelayMs ?? 2_000
    for (let delay = 100; !stopped; delay = Math.min(delay * 2, longest)) {
      try {
        await history.appendHistory(batch)
        return
      } catch (error) {
        if (!isTransientStoreError(error)) {
          logger.warn(`${batch.length} history entries not recorded: ${String(error)}`)
          return
        }
      }
      await new Promise((resolve) => setTimeout(resolve, delay).unref())
    }
  }

  return {
    stepRan(process, run) {
      if (run.step !== undefined) ran.set(process.pid, run.step)
    },
    stateChanged(process, from: StateName | null, to: StateName) {
      const at = clock()
      const since = entered.get(process.pid)
      entered.set(process.pid, at)
      const step = from === 'RUNNING' ? ran.get(process.pid) : undefined
      ran.delete(process.pid)
      record(process, at, {
        kind: 'transition',
        from,
        to,
        step,
        durationMs: since === undefined || from === null ? undefined : at - since,
      })
    },
    pausedChanged(process) {
      const state = process.state
      record(process, clock(), {
        kind: process.paused ? 'paused' : 'played',
        from: state,
        to: state,
        step: undefined,
        durationMs: undefined,
      })
    },
    terminated(process) {
      entered.delete(process.pid)
      ran.delete(process.pid)
    },
    async flush() {
      // Whatever is pending goes now, after the write in flight, until nothing is left.
      for (;;) {
        await writing
        if (pending.length === 0) return
        writeNow()
      }
    },
    stop() {
      stopped = true
      if (window !== undefined) clearTimeout(window)
    },
  }
}
