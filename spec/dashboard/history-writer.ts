/**
 * A history for the seeded store, written as the runner's processes change: one entry per
 * transition, pause and play, with the time spent in the state left. A test stand-in for the
 * runtime's own recorder, kept to what the dashboard shows.
 */
import type { HistoryEntry, ProcessHistory } from '../../lib/persistence/catalog/index.js'
import type { Runner, RunnerPlugin } from '../../lib/runtime/index.js'

/** The plugin, and a way to wait until what it has written so far is stored. */
export interface HistoryWriter extends RunnerPlugin {
  flush(): Promise<void>
}

/** Writes the history of `runner`'s processes into `history`. */
export const historyWriter = (runner: Runner, history: ProcessHistory): HistoryWriter => {
  const entered = new Map<string, number>()
  let writing: Promise<void> = Promise.resolve()
  const append = (entry: HistoryEntry) => {
    writing = writing.then(() => history.appendHistory([entry]))
  }
  return {
    stateChanged(process, from, to) {
      const at = runner.clock()
      const since = entered.get(process.pid)
      entered.set(process.pid, at)
      append({
        pid: process.pid,
        at,
        kind: 'transition',
        from,
        to,
        step: undefined,
        durationMs: since === undefined ? undefined : at - since,
        status: process.status,
      })
    },
    pausedChanged(process) {
      append({
        pid: process.pid,
        at: runner.clock(),
        kind: process.paused ? 'paused' : 'played',
        from: process.state,
        to: process.state,
        step: undefined,
        durationMs: undefined,
        status: process.status,
      })
    },
    flush: () => writing,
  }
}
