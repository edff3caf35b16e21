/**
 * The tasks a launcher holds unacknowledged, by pid: whether a process has a task in the broker
 * that comes back if this worker stops, and each held delivery's way out (acknowledged early,
 * handed on to a continue task at the hold limit, or settled).
 */
import type { Logger } from '../runtime/environment.js'
import type { TaskDelivery } from './communicator.js'
import type { LauncherEvent } from './launcher-options.js'
import { reasonOf } from './messages.js'

/** A delivery as the launcher holds it. */
export interface TrackedDelivery {
  readonly redelivered: boolean
  /** Acknowledge now (nowait): the handler's result still answers the sender. */
  ack(): void
  /**
   * Queue a continue task (follow) with the sender's return address in this one's place, and
   * acknowledge this one: true once done, false if it could not be queued or the task is no
   * longer held.
   */
  handOn(): Promise<boolean>
  /** Resolves once handed on; from then on, whatever the handler returns is dropped. */
  readonly handedOn: Promise<void>
  readonly isHandedOn: boolean
  done(): void
}

/** What held tasks report to. */
export interface HeldTasksHooks {
  readonly logger: Logger
  readonly onEvent?: ((event: LauncherEvent) => void) | undefined
}

/** Pids whose task is held unacknowledged, with how many such tasks. */
export class HeldTasks {
  private readonly held = new Map<string, number>()

  constructor(private readonly hooks: HeldTasksHooks) {}

  /** Whether a task for `pid` is held unacknowledged. */
  holds(pid: string): boolean {
    return (this.held.get(pid) ?? 0) > 0
  }

  /** Counts a held task until it is acknowledged, handed on or settled, and reports which. */
  track(pid: string, delivery: TaskDelivery): TrackedDelivery {
    const { logger, onEvent } = this.hooks
    this.held.set(pid, (this.held.get(pid) ?? 0) + 1)
    let holding = true
    const done = () => {
      if (!holding) return
      holding = false
      const left = (this.held.get(pid) ?? 1) - 1
      if (left > 0) this.held.set(pid, left)
      else this.held.delete(pid)
    }
    let isHandedOn = false
    let handedOver = () => undefined as void
    const handedOn = new Promise<void>((resolve) => (handedOver = resolve))
    return {
      redelivered: delivery.redelivered,
      handedOn,
      get isHandedOn() {
        return isHandedOn
      },
      ack: () => {
        if (!holding) return
        delivery.ack()
        done()
        onEvent?.({ _tag: 'TaskAcknowledged', pid, reason: 'nowait' })
      },
      handOn: async () => {
        if (!holding) return false
        try {
          await delivery.passOn({ task: 'continue', pid, follow: true })
        } catch (error) {
          logger.warn(`task for ${pid} not handed on: ${reasonOf(error)}`)
          return false
        }
        isHandedOn = true
        done()
        handedOver()
        onEvent?.({ _tag: 'TaskHandedOn', pid })
        return true
      },
      done,
    }
  }
}

/**
 * Hands `delivery` on once it was held `limitMs` and `isStored()` says that its process has a
 * checkpoint (the way back for whoever takes the continue task); tries again every second (at
 * most `limitMs`) until then, or until cancelled.
 */
export const handOnAfter = (
  limitMs: number,
  isStored: () => Promise<boolean>,
  delivery: TrackedDelivery,
): { cancel(): void } => {
  let cancelled = false
  let timer: NodeJS.Timeout | undefined
  const arm = (ms: number) => {
    timer = setTimeout(() => void check(), ms).unref()
  }
  const check = async () => {
    const stored = await isStored().catch(() => false)
    if (cancelled) return
    // Not handed on (the continue task could not be queued): try again shortly.
    if (!stored || !(await delivery.handOn())) arm(Math.min(limitMs, 1_000))
  }
  arm(limitMs)
  return {
    cancel: () => {
      cancelled = true
      clearTimeout(timer)
    },
  }
}
