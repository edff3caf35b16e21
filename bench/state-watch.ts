/**
 * Follows the state changes workers broadcast (`state_changed.<from>.<to>`, sent by each
 * process's pid) with one broadcast subscriber, so that a client can wait for a process to reach
 * a state, or for its next change.
 */
import type { BroadcastMessage, Communicator } from '../lib/index.js'

interface Waiter {
  /** Whether a change to this state is the one awaited. */
  readonly matches: (to: string) => boolean
  readonly resolve: (to: string) => void
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

  /**
   * Resolves once `pid` has been seen in `state` (at once if it is the latest seen); a terminal
   * state is seen only by a wait that started before it.
   */
  reached(pid: string, state: string): Promise<string> {
    if (this.latest.get(pid) === state) return Promise.resolve(state)
    return this.wait(pid, (to) => to === state)
  }

  /** Resolves to the next state of `pid` seen after this call. */
  next(pid: string): Promise<string> {
    return this.wait(pid, () => true)
  }

  /** Resolves to the terminal state of `pid` seen after this call (FINISHED, EXCEPTED, KILLED). */
  ended(pid: string): Promise<string> {
    return this.wait(pid, (to) => TERMINAL.has(to))
  }

  private wait(pid: string, matches: (to: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      const list = this.waiters.get(pid)
      if (list === undefined) this.waiters.set(pid, [{ matches, resolve }])
      else list.push({ matches, resolve })
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
      if (!w.matches(to)) return true
      w.resolve(to)
      return false
    })
    if (left.length === 0) this.waiters.delete(pid)
    else this.waiters.set(pid, left)
  }
}
