/**
 * Follows the state changes workers broadcast (`state_changed.<from>.<to>`, sent by each
 * process's pid) with one broadcast subscriber, so that a client can wait for a process to reach
 * a state, or for its next change.
 */
import type { BroadcastMessage, Communicator } from '../lib/index.js'

interface Waiter {
  /** The state awaited; undefined: any change. */
  readonly state: string | undefined
  readonly resolve: () => void
}

const TERMINAL = new Set(['FINISHED', 'EXCEPTED', 'KILLED'])

/** The state changes seen, by pid. */
export class StateWatch {
  /** The latest state seen of each process not yet terminated. */
  private readonly latest = new Map<string, string>()
  private readonly waiters = new Map<string, Waiter[]>()

  private constructor() {}

  /** Subscribe on `communicator`; resolves once the subscription is in place. */
  static async on(communicator: Communicator): Promise<StateWatch> {
    const watch = new StateWatch()
    await communicator.addBroadcastSubscriber((message) => watch.seen(message), {
      subjectFilter: 'state_changed',
    })
    return watch
  }

  /** Resolves once `pid` has been seen in `state` (at once if it is the latest seen). */
  reached(pid: string, state: string): Promise<void> {
    if (this.latest.get(pid) === state) return Promise.resolve()
    return this.wait(pid, state)
  }

  /** Resolves at the next state change of `pid` seen after this call. */
  next(pid: string): Promise<void> {
    return this.wait(pid, undefined)
  }

  private wait(pid: string, state: string | undefined): Promise<void> {
    return new Promise((resolve) => {
      const list = this.waiters.get(pid)
      if (list === undefined) this.waiters.set(pid, [{ state, resolve }])
      else list.push({ state, resolve })
    })
  }

  private seen(message: BroadcastMessage): void {
    const pid = message.sender
    const to = (message.body as { to?: unknown } | undefined)?.to
    if (pid === undefined || typeof to !== 'string') return
    if (TERMINAL.has(to)) this.latest.delete(pid)
    else this.latest.set(pid, to)
    const list = this.waiters.get(pid)
    if (list === undefined) return
    const left = list.filter((w) => {
      if (w.state !== undefined && w.state !== to) return true
      w.resolve()
      return false
    })
    if (left.length === 0) this.waiters.delete(pid)
    else this.waiters.set(pid, left)
  }
}
