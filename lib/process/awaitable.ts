/**
 * References to things a waiting process awaits. They are data: a child is named by its pid, a
 * promise by an id the runtime gave it; the runtime keeps the live objects.
 */

/** A child process launched from a step, awaited for its outputs. */
export interface ChildRef {
  readonly _tag: 'Child'
  readonly pid: string
  /** Left running when its parent stops waiting for it (a lost race, a kill). */
  readonly detached?: true
}

/**
 * A promise registered by a step. Promises do not survive a restart: a reloaded process waiting
 * on one is told it was lost (see the runtime).
 */
export interface PromiseRef {
  readonly _tag: 'Promise'
  readonly id: string
}

/**
 * A durable timer, by its absolute deadline (ms since the epoch, from the host's clock when the
 * wait started). It survives a restart: a reloaded process arms it again, and one whose deadline
 * has passed fires at once. It settles with its deadline.
 */
export interface TimerRef {
  readonly _tag: 'Timer'
  readonly deadline: number
}

/**
 * A signal the process waits for, by name: settled by the first signal of that name that
 * arrives (or that its inbox already holds), with the signal's payload.
 */
export interface SignalRef {
  readonly _tag: 'Signal'
  readonly name: string
}

/** Anything a process can wait on. */
export type AwaitableRef = ChildRef | PromiseRef | TimerRef | SignalRef

/** A child reference. */
export const childRef = (pid: string, detached = false): ChildRef =>
  detached ? { _tag: 'Child', pid, detached: true } : { _tag: 'Child', pid }

/** A promise reference. */
export const promiseRef = (id: string): PromiseRef => ({ _tag: 'Promise', id })

/** A timer reference. */
export const timerRef = (deadline: number): TimerRef => ({ _tag: 'Timer', deadline })

/** A signal reference. */
export const signalRef = (name: string): SignalRef => ({ _tag: 'Signal', name })

/** Whether two references name the same awaited thing. */
export const sameRef = (a: AwaitableRef, b: AwaitableRef): boolean => {
  switch (a._tag) {
    case 'Child':
      return b._tag === 'Child' && a.pid === b.pid
    case 'Promise':
      return b._tag === 'Promise' && a.id === b.id
    case 'Timer':
      return b._tag === 'Timer' && a.deadline === b.deadline
    case 'Signal':
      return b._tag === 'Signal' && a.name === b.name
  }
}
