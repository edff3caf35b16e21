/**
 * Entering states: the hooks, listener events and state change of each move, in plumpy's order,
 * and the shared effect values the reducer returns. Part of the reducer (`transition.ts`).
 */
import type { Effect, HookName, ListenerEvent } from './effects.js'
import type { ErrorInfo } from './errors.js'
import { Events } from './events.js'
import { withState, type ProcessSnapshot } from './snapshot.js'
import { STATE_NAMES, isLegalMove, isTerminal, type ProcessState, type StateName } from './state.js'

/** The result of a transition: the next snapshot and the effects to perform, in order. */
export type Transition = readonly [ProcessSnapshot, readonly Effect[]]

/**
 * Move to `next`, appending the hooks, listener events and state change of the move to
 * `effects`. An illegal move becomes EXCEPTED instead.
 */
export const enter = (s: ProcessSnapshot, next: ProcessState, effects: Effect[]): Transition => {
  const from = s.state._tag
  if (!isLegalMove(from, next._tag))
    return enterUnchecked(s, excepted(illegalMove(from, next._tag)), effects)
  return enterUnchecked(s, next, effects)
}

/** Move to `next` whatever the current state (a failing finishing hook turns FINISHED EXCEPTED). */
export const enterUnchecked = (
  s: ProcessSnapshot,
  next: ProcessState,
  effects: Effect[],
): Transition => {
  const from = s.state._tag
  if (from === 'RUNNING') effects.push(HOOK_EXIT_RUNNING)
  else if (from === 'WAITING') effects.push(HOOK_EXIT_WAITING)
  switch (next._tag) {
    case 'RUNNING':
      effects.push(HOOK_RUN, HOOK_RUNNING, NOTIFY_RUNNING)
      break
    case 'WAITING':
      effects.push(HOOK_WAIT, HOOK_WAITING, NOTIFY_WAITING)
      next.awaiting.forEach((p, slot) => {
        if (!p.done) effects.push({ _tag: 'Await', slot, ref: p.ref })
      })
      break
    case 'FINISHED':
      effects.push(
        hook('onFinish', [next.result, next.successful]),
        HOOK_FINISHED,
        notify({ _tag: 'finished', outputs: s.outputs }),
      )
      break
    case 'EXCEPTED':
      effects.push(
        hook('onExcept', [next.error]),
        HOOK_EXCEPTED,
        notify({ _tag: 'excepted', error: next.error }),
      )
      break
    case 'KILLED':
      effects.push(
        hook('onKill', [next.message]),
        HOOK_KILLED,
        notify({ _tag: 'killed', message: next.message }),
      )
      break
    case 'CREATED':
      break
    default:
      absurd(next)
  }
  effects.push(stateChanged(from, next._tag))
  return [withState(s, next), effects]
}

/**
 * Every transition ends here. A RUNNING process that can step asks for its step; a process that
 * has just entered a terminal state asks to be closed, after everything else this transition
 * does (a pause applied at the end of the last step included).
 */
export const finish = (before: ProcessSnapshot, [s, effects]: Transition): Transition => {
  const state = s.state
  if (state._tag === 'RUNNING') {
    if (!s.paused && !s.stepping) (effects as Effect[]).push(RUN_STEP)
  } else if (isTerminal(state) && !s.closed && state !== before.state) {
    ;(effects as Effect[]).push(RAISE_CLOSE)
  }
  return [s, effects]
}

export const excepted = (error: ErrorInfo): ProcessState => ({ _tag: 'EXCEPTED', error })
export const killed = (message: string | undefined): ProcessState => ({
  _tag: 'KILLED',
  message,
})

export const hook = (name: HookName, args: readonly unknown[]): Effect => ({
  _tag: 'Hook',
  hook: name,
  args,
})
export const notify = (event: ListenerEvent): Effect => ({ _tag: 'Notify', event })

const illegalMove = (from: StateName, to: StateName): ErrorInfo => ({
  name: 'IllegalMoveError',
  message: `illegal move ${from} -> ${to}`,
})

/** Every state change effect, made once: `STATE_CHANGES[from ?? 'null'][to]`. */
const STATE_CHANGES: Readonly<Record<string, Readonly<Record<StateName, Effect>>>> =
  Object.fromEntries(
    [null, ...STATE_NAMES].map((from) => [
      String(from),
      Object.fromEntries(
        STATE_NAMES.map((to) => [to, { _tag: 'StateChanged', from, to } as Effect]),
      ) as Record<StateName, Effect>,
    ]),
  )
export const stateChanged = (from: StateName | null, to: StateName): Effect =>
  (STATE_CHANGES[String(from)] as Record<StateName, Effect>)[to]

export const absurd = (value: never): never => {
  throw new Error(`unexpected ${JSON.stringify(value)}`)
}

// Effects without data are shared constants: a step should allocate as little as possible.
export const NO_EFFECTS: readonly Effect[] = Object.freeze([])
export const RUN_STEP: Effect = { _tag: 'RunStep' }
export const EXECUTE_STEP: readonly Effect[] = Object.freeze([{ _tag: 'ExecuteStep' } as Effect])
export const RAISE_CLOSE: Effect = { _tag: 'Raise', event: Events.close() }
export const TERMINATED: Effect = { _tag: 'Terminated' }
export const REPLY_TRUE_EFFECT: Effect = { _tag: 'Reply', value: true }
export const REPLY_TRUE: readonly Effect[] = Object.freeze([REPLY_TRUE_EFFECT])
export const REPLY_FALSE: readonly Effect[] = Object.freeze([
  { _tag: 'Reply', value: false } as Effect,
])
export const DEFER_PAUSE: readonly Effect[] = Object.freeze([
  { _tag: 'Defer', action: 'pause' } as Effect,
])
export const DEFER_KILL: readonly Effect[] = Object.freeze([
  { _tag: 'Defer', action: 'kill' } as Effect,
])
export const HOOK_RUN = hook('onRun', [])
export const HOOK_RUNNING = hook('onRunning', [])
export const HOOK_EXIT_RUNNING = hook('onExitRunning', [])
export const HOOK_WAIT = hook('onWait', [])
export const HOOK_WAITING = hook('onWaiting', [])
export const HOOK_EXIT_WAITING = hook('onExitWaiting', [])
export const HOOK_FINISHED = hook('onFinished', [])
export const HOOK_EXCEPTED = hook('onExcepted', [])
export const HOOK_KILLED = hook('onKilled', [])
export const HOOK_CLOSE = hook('onClose', [])
export const HOOK_TERMINATED = hook('onTerminated', [])
export const NOTIFY_RUNNING = notify({ _tag: 'running' })
export const NOTIFY_WAITING = notify({ _tag: 'waiting' })
export const CLOSING: readonly Effect[] = Object.freeze([HOOK_CLOSE, HOOK_TERMINATED, TERMINATED])
export const CONTINUE_EFFECTS: readonly Effect[] = Object.freeze([
  HOOK_EXIT_RUNNING,
  HOOK_RUN,
  HOOK_RUNNING,
  NOTIFY_RUNNING,
  stateChanged('RUNNING', 'RUNNING'),
  RUN_STEP,
])
export const CREATION: readonly Effect[] = Object.freeze([
  notify({ _tag: 'created' }),
  stateChanged(null, 'CREATED'),
])
