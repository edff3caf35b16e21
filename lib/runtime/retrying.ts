/**
 * Retried entries at run time: starting an entry again once its backoff is over, from the live
 * description the step gave (`live-entry.ts`) or, for a child after a reload, from the
 * snapshot's data and the registry.
 */
import type { Awaitable } from '../commands/awaitables.js'
import { awaitedFailedEvent, retryPlanOf } from '../interpreter/entry-retry.js'
import type { Pending } from '../process/state.js'
import { Events } from '../process/events.js'
import { startEntry } from './awaiting.js'
import type { ProcessHandle } from './handle.js'
import { liveEntry } from './live-entry.js'

/** Why an entry cannot be started again, as the reason its failure is not retried. */
class NotRestartable extends Error {
  override readonly name = 'RestartError'
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Start the next attempt of the retried entry in `slot` and report what it awaits now; an entry
 * that cannot be started again (a task after a reload, a definition missing from the registry,
 * inputs a child refuses) fails, and is not retried.
 */
export const restartAwaited = (process: ProcessHandle, slot: number): void => {
  const state = process.snapshot.state
  const pending = state._tag === 'WAITING' ? state.awaiting[slot] : undefined
  if (pending?.retry?.restarting !== true) return
  const now = process.host.time.now()
  const live = liveEntry(process, slot)
  try {
    const awaitable = live?.awaitable ?? fromSnapshot(process, pending)
    const ref = startEntry(process, { key: pending.key, awaitable, append: pending.append })
    process.loop.send(Events.awaitableRestarted(slot, ref, now))
  } catch (error) {
    const { event, original } = awaitedFailedEvent({
      snapshot: process.snapshot,
      slot,
      error,
      now,
      plan: retryPlanOf(live?.awaitable),
      refused: error instanceof NotRestartable ? error.reason : 'it could not be started again',
    })
    process.recordError(original)
    process.loop.send(event)
  }
}

/** A child to launch again, from the snapshot's data and the registry the process came from. */
const fromSnapshot = (process: ProcessHandle, pending: Pending): Awaitable => {
  const relaunch = pending.retry?.relaunch
  if (relaunch === undefined)
    throw new NotRestartable(
      'a task cannot be started again after a reload',
      `awaited task '${pending.key}' was lost (the process was reloaded): its start function ` +
        'is not in the checkpoint',
    )
  const definition = process.extras.registry?.get(relaunch.definition)
  if (definition === undefined)
    throw new NotRestartable(
      'its definition is not in the registry',
      `entry '${pending.key}' cannot launch ${relaunch.definition} again: no definition of ` +
        `that name is registered with the registry process ${process.pid} was loaded from`,
    )
  return {
    _tag: 'Launch',
    definition,
    inputs: relaunch.inputs,
    ...(relaunch.detached === true ? { detached: true as const } : {}),
  }
}
