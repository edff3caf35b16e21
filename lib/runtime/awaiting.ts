/**
 * Awaitables at run time: launching the children and starting the tasks a step registered, and
 * watching them until they settle. Settlements reach the process on a later turn of the loop,
 * as asyncio's future callbacks do, which gives the tutorial's interleaving.
 */
import type { ToContextEntry } from '../commands/suspend.js'
import { Events, type ProcessEvent } from '../process/events.js'
import {
  childRef,
  promiseRef,
  signalRef,
  timerRef,
  type AwaitableRef,
} from '../process/awaitable.js'
import type { ProcessHandle } from './handle.js'
import { notJsonValue } from './json-guard.js'
import { awaitsAt } from '../process/state.js'
import { armTimer } from './timers.js'
import { cancelAwaited } from './cancel.js'
import { awaitedFailedEvent, retryPlanOf } from '../interpreter/entry-retry.js'
import { cannotStartAgain, livePlan } from './live-entry.js'

/** The live promises of a process, by the id its checkpoint knows them by. */
export interface LiveAwaitables {
  readonly promises: Map<string, PromiseLike<unknown>>
  /**
   * The entries of the current wait that declared a retry policy, by slot: what starts them
   * again (a task's `start` is code, kept here only) and their `retryOn`.
   */
  readonly retried: Map<number, ToContextEntry>
}

/**
 * Start what a step registered: launch the children, start the tasks, keep the promises. When
 * one cannot be started (a child's inputs are refused), the wait never begins: what it started
 * before is cancelled as a race's losers are, and the error fails the step.
 */
export const startEntries = (
  process: ProcessHandle,
  entries: readonly ToContextEntry[],
): AwaitableRef[] => {
  // A new wait: the entries of the one before are no longer live (made only when one retries).
  process.liveAwaitables?.retried.clear()
  const started: AwaitableRef[] = []
  try {
    entries.forEach((entry, slot) => {
      if (retryPlanOf(entry.awaitable) !== undefined) process.awaitables.retried.set(slot, entry)
      started.push(startEntry(process, entry))
    })
  } catch (error) {
    process.liveAwaitables?.retried.clear()
    cancelAwaited(process, { _tag: 'CancelAwaited', awaited: unarmed(started) })
    throw error
  }
  return started
}

/** What a wait that never began had started: its timers are not armed yet (`watchAwaitable`). */
const unarmed = (refs: readonly AwaitableRef[]) =>
  refs.flatMap((ref, slot) => (ref._tag === 'Timer' ? [] : [{ slot, ref }]))

/** Start one awaited thing (again, for a retried entry): a reference to what it awaits. */
export const startEntry = (process: ProcessHandle, entry: ToContextEntry): AwaitableRef => {
  const awaitable = entry.awaitable
  switch (awaitable._tag) {
    case 'Launch':
      return childRef(
        process.host.launchChild(awaitable.definition, awaitable.inputs, process).pid,
        awaitable.detached === true,
      )
    case 'Task':
    case 'Promise': {
      const id = process.host.newId()
      const promise =
        awaitable._tag === 'Task' ? startLater(process, awaitable.start) : awaitable.promise
      process.awaitables.promises.set(id, promise)
      return promiseRef(id)
    }
    case 'Timer':
      // The deadline is fixed now, from the runner's clock, and kept in the checkpoint.
      return timerRef(awaitable.until ?? process.host.time.now() + (awaitable.ms ?? 0))
    case 'SignalWait':
      return signalRef(awaitable.signal.name)
  }
}

/**
 * Tasks start on the next turn of the loop, as `asyncio.ensure_future` does: every chain that
 * registers one in this turn has finished its step before any task runs.
 */
const startLater = (process: ProcessHandle, start: () => PromiseLike<unknown>) =>
  new Promise<unknown>((resolve, reject) =>
    process.host.schedule(() => {
      // Killed (or failed) before the task's turn came: it never starts.
      if (process.hasTerminated()) return
      try {
        Promise.resolve(start()).then(resolve, reject)
      } catch (error) {
        reject(error)
      }
    }),
  )

/** Watch one awaitable and deliver its settlement to the process on a later turn. */
export const watchAwaitable = (process: ProcessHandle, slot: number, ref: AwaitableRef): void => {
  if (ref._tag === 'Timer') return armTimer(process, slot, ref)
  // A signal is delivered by whoever sends it (`signal` on the handle, over a communicator).
  if (ref._tag === 'Signal') return
  // Delivered only while the process still waits on it: not after it lost a race, say.
  const stillAwaited = () => awaitsAt(process.snapshot.state, slot, ref)
  const later = (event: ProcessEvent) =>
    process.host.schedule(() => {
      if (stillAwaited()) process.driveWith(event)
    })
  // An awaitable's error becomes the process's only when its failure is what ends the process.
  const failLater = (error: unknown, refused?: string) =>
    process.host.schedule(() => {
      if (!stillAwaited()) return
      const { event, original } = awaitedFailedEvent({
        snapshot: process.snapshot,
        slot,
        error,
        now: process.host.time.now(),
        plan: livePlan(process, slot),
        ...(refused === undefined ? {} : { refused }),
      })
      process.recordError(original)
      process.driveWith(event)
    })
  if (ref._tag === 'Promise') {
    const promise = process.awaitables.promises.get(ref.id)
    if (promise === undefined) {
      // A retried task starts again if the step's description of it can be had back (a replay
      // of a generator step gives it); a plain step's cannot, so its loss is final.
      return failLater(
        new Error(`awaited promise ${ref.id} was lost (the process was reloaded)`),
        cannotStartAgain(process, slot)
          ? 'a task cannot be started again after a reload'
          : undefined,
      )
    }
    promise.then(
      (value) => {
        process.awaitables.promises.delete(ref.id)
        let notJson: Error | undefined
        try {
          notJson =
            process.host.keepsJson === true ? notJsonAwaited(process, slot, value) : undefined
        } catch (unreadable) {
          // A getter that throws, a revoked proxy: the value cannot be kept, and why is this.
          return failLater(unreadable)
        }
        if (notJson !== undefined) return failLater(notJson)
        later(Events.awaitableSettled(slot, value))
      },
      (error: unknown) => {
        process.awaitables.promises.delete(ref.id)
        failLater(error)
      },
    )
    return
  }
  const child = process.host.get(ref.pid)
  if (child === undefined) {
    return failLater(new Error(`awaited child ${ref.pid} cannot be found`))
  }
  child.onTerminated(() => {
    // Its end was not committed: a restart would run its last steps again, so its outcome is not
    // one to go on with.
    const notCommitted = child.endNotCommitted
    if (notCommitted !== undefined) return failLater(notCommitted)
    const state = child.snapshot.state
    if (state._tag === 'FINISHED') return later(Events.awaitableSettled(slot, child.outputs))
    failLater(child.failure() ?? new Error(`child ${child.pid} ended ${state._tag}`))
  })
}

/** A promise's value that a checkpoint could not hold, named by the context key it is for. */
const notJsonAwaited = (process: ProcessHandle, slot: number, value: unknown) => {
  const state = process.snapshot.state
  const key = state._tag === 'WAITING' ? state.awaiting[slot]?.key : undefined
  const path = key === undefined ? 'the awaited value' : `ctx.${key}`
  return notJsonValue(process.pid, value, path, process.host.checkpointLimits)
}
