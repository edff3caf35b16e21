/**
 * Whether a process is parked: WAITING only for what comes from outside its worker (a signal, a
 * timer or timeout, a retry's backoff (of the step or of an entry), a `resume`). A parked process does no work and may wait
 * for days, so a worker does not count it among the processes its slots bound: counted, a
 * worker whose slots were all parked would take no task while the tasks queued behind them
 * could be the very ones whose processes are to be signalled (a `nowait` launch would then never
 * come back). A process waiting for a child or a task is not parked: its work goes on.
 */
import type { ProcessSnapshot } from '../process/snapshot.js'
import { waitsOf, type WaitItem } from './describe.js'

/** Whether this wait is on something outside the process tree (it does no work meanwhile). */
const fromOutside = (item: WaitItem): boolean => {
  switch (item.kind) {
    case 'signal':
    case 'timer':
    case 'timeout':
    case 'retry':
    case 'backoff':
    case 'resume':
      return true
    case 'child':
    case 'task':
      return false
    default:
      return item satisfies never
  }
}

/** True when the snapshot is WAITING, and only on signals, timers, retries or a resume. */
export const isParked = (snapshot: ProcessSnapshot): boolean => {
  if (snapshot.state._tag !== 'WAITING') return false
  return waitsOf(snapshot).every(fromOutside)
}
