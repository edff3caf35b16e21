/**
 * Requests from outside a step: pause, play and kill, with plumpy's answers (SEMANTICS.md
 * "Pause, play, kill"). Resume is the signal without a name (`signals.ts`). Part of the reducer
 * (`transition.ts`).
 */
import type { Effect } from './effects.js'
import { Events } from './events.js'
import {
  DEFER_KILL,
  DEFER_PAUSE,
  REPLY_FALSE,
  REPLY_TRUE,
  REPLY_TRUE_EFFECT,
  enter,
  finish,
  hook,
  killed,
  notify,
  type Transition,
} from './enter.js'
import type { ProcessSnapshot } from './snapshot.js'
import { isTerminal, type ProcessState, type Waiting } from './state.js'

export const pause = (s: ProcessSnapshot, message: string | undefined): Transition => {
  if (isTerminal(s.state)) return [s, REPLY_FALSE]
  if (s.paused) return [s, REPLY_TRUE]
  if (s.stepping) {
    if (s.pendingPause !== undefined) return [s, DEFER_PAUSE]
    return [{ ...s, pendingPause: { message } }, DEFER_PAUSE]
  }
  const effects: Effect[] = []
  const snapshot = pausedNow(s, message, effects)
  effects.push(REPLY_TRUE_EFFECT)
  return [snapshot, effects]
}

export const pausedNow = (
  s: ProcessSnapshot,
  message: string | undefined,
  effects: Effect[],
): ProcessSnapshot => {
  effects.push(hook('onPause', [message]), notify({ _tag: 'paused' }))
  return { ...s, paused: true, prePauseStatus: s.status, status: message }
}

export const play = (s: ProcessSnapshot): Transition => {
  if (s.pendingPause !== undefined)
    return [
      { ...s, pendingPause: undefined },
      [{ _tag: 'Settle', action: 'pause', value: false }, REPLY_TRUE_EFFECT],
    ]
  if (!s.paused) return [s, REPLY_TRUE]
  const snapshot = { ...s, paused: false, status: s.prePauseStatus, prePauseStatus: undefined }
  const effects: Effect[] = [hook('onPlay', []), notify({ _tag: 'played' })]
  rearmTimers(snapshot.state, effects)
  effects.push(REPLY_TRUE_EFFECT)
  const state = snapshot.state
  // A resume that came while paused is applied now, as an event of its own: what onPlay or a
  // listener of `played` raises (a failure, a kill) comes first, as if it had been resumed later.
  if (state._tag === 'WAITING' && state.resumedWith !== undefined)
    effects.push({ _tag: 'Raise', event: Events.resume(state.resumedWith.value) })
  return finish(snapshot, [snapshot, effects])
}

/**
 * Timers that fell due while the process was paused were held (see `settle.ts`): watching them
 * again fires those at once, and leaves the others to their deadlines.
 */
const rearmTimers = (state: ProcessState, effects: Effect[]): void => {
  if (state._tag !== 'WAITING') return
  state.awaiting.forEach((pending, slot) => {
    if (!pending.done && pending.ref._tag === 'Timer')
      effects.push({ _tag: 'Await', slot, ref: pending.ref })
  })
}

export const kill = (
  s: ProcessSnapshot,
  message: string | undefined,
  force: boolean,
): Transition => {
  if (isTerminal(s.state)) return [s, s.state._tag === 'KILLED' ? REPLY_TRUE : REPLY_FALSE]
  if (s.stepping && !force) {
    if (s.pendingKill !== undefined) return [s, DEFER_KILL]
    return [{ ...s, pendingKill: { message } }, DEFER_KILL]
  }
  const effects: Effect[] = []
  if (s.pendingPause !== undefined) effects.push({ _tag: 'Settle', action: 'pause', value: false })
  if (s.pendingKill !== undefined) effects.push({ _tag: 'Settle', action: 'kill', value: true })
  killChildrenOf(s.state, message, effects)
  const base: ProcessSnapshot = {
    ...s,
    paused: false,
    pendingPause: undefined,
    pendingKill: undefined,
    status: message,
  }
  const [snapshot, out] = enter(base, killed(message), effects)
  ;(out as Effect[]).push(REPLY_TRUE_EFFECT)
  return finish(s, [snapshot, out])
}

/** A process killed while WAITING asks to kill the children it has not heard back from. */
export const killChildrenOf = (
  state: ProcessState,
  message: string | undefined,
  effects: Effect[],
): void => {
  if (state._tag !== 'WAITING') return
  const pids = unfinishedChildren(state)
  if (pids.length > 0) effects.push({ _tag: 'KillChildren', pids, message })
}

const unfinishedChildren = (state: Waiting): string[] =>
  state.awaiting.flatMap((p) =>
    !p.done && p.ref._tag === 'Child' && p.ref.detached !== true ? [p.ref.pid] : [],
  )

export const reject = (s: ProcessSnapshot, message: string): Transition => [
  s,
  [{ _tag: 'Reject', error: { name: 'InvalidStateError', message } }],
]
