/**
 * Cancelling what a process no longer waits for (the losers of a race, what a wait that failed
 * to start had started): timers are cleared, children killed unless launched `detached`, promises
 * and tasks abandoned (a task already started runs on, but its result is dropped, its failure
 * too). Signals need nothing: one that comes later is kept in the inbox.
 */
import type { CancelAwaited } from '../process/effects.js'
import type { ProcessHandle } from './handle.js'
import { cancelTimer } from './timers.js'

/** Cancel each awaited thing of `effect`. */
export const cancelAwaited = (process: ProcessHandle, effect: CancelAwaited): void => {
  for (const { slot, ref } of effect.awaited) {
    switch (ref._tag) {
      case 'Timer':
        cancelTimer(process, slot)
        break
      case 'Child':
        if (ref.detached !== true)
          void process.host.get(ref.pid)?.kill(`${process.pid} no longer waits for it`)
        break
      case 'Promise':
        abandon(process, ref.id)
        break
      case 'Signal':
        break
      default:
        ref satisfies never
    }
  }
}

/**
 * Drop a promise the process no longer awaits. Its rejection is handled here: one that was never
 * watched (its wait failed to start) would otherwise be reported as unhandled.
 */
const abandon = (process: ProcessHandle, id: string): void => {
  const promises = process.awaitables.promises
  promises.get(id)?.then(undefined, () => undefined)
  promises.delete(id)
}
