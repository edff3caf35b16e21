/**
 * Signals reaching a process: one it waits for settles that wait; one that comes early is kept
 * in its inbox (and so in its checkpoints) until a wait for it starts; one sent to a process
 * that has terminated is refused. Part of the reducer (`transition.ts`).
 */
import type { Effect } from './effects.js'
import { REPLY_TRUE_EFFECT, finish, type Transition } from './enter.js'
import { reject } from './requests.js'
import { settleSlot } from './settle.js'
import type { ProcessSnapshot, ReceivedSignal } from './snapshot.js'
import { isTerminal, type ProcessState } from './state.js'

const KEPT_AND_REPLIED: readonly Effect[] = Object.freeze([
  { _tag: 'SignalKept' },
  REPLY_TRUE_EFFECT,
])

/** A signal `name` with its payload (already checked by its codec where it entered). */
export const receiveSignal = (s: ProcessSnapshot, name: string, payload: unknown): Transition => {
  if (isTerminal(s.state))
    return reject(s, `process ${s.pid} has terminated (${s.state._tag}): signal '${name}' refused`)
  const slot = slotWaitingFor(s.state, name)
  if (slot === undefined)
    return [{ ...s, inbox: [...(s.inbox ?? []), { name, payload }] }, KEPT_AND_REPLIED]
  const effects: Effect[] = []
  const next = settleSlot(s, slot, payload, effects)
  effects.push(REPLY_TRUE_EFFECT)
  return finish(s, [next, effects])
}

/**
 * A wait has just started: the signals it waits for that the inbox already holds settle it,
 * the oldest of each name first (and leave the inbox).
 */
export const takeFromInbox = (s: ProcessSnapshot, effects: Effect[]): ProcessSnapshot => {
  let snapshot = s
  for (let inbox = snapshot.inbox ?? []; inbox.length > 0; ) {
    const found = firstMatch(snapshot.state, inbox)
    if (found === undefined) break
    inbox = inbox.filter((_, i) => i !== found.index)
    snapshot = settleSlot(
      { ...snapshot, inbox: inbox.length === 0 ? undefined : inbox },
      found.slot,
      found.payload,
      effects,
    )
  }
  return snapshot
}

const slotWaitingFor = (state: ProcessState, name: string): number | undefined => {
  if (state._tag !== 'WAITING') return undefined
  const slot = state.awaiting.findIndex(
    (p) => !p.done && p.ref._tag === 'Signal' && p.ref.name === name,
  )
  return slot < 0 ? undefined : slot
}

const firstMatch = (
  state: ProcessState,
  inbox: readonly ReceivedSignal[],
): { slot: number; index: number; payload: unknown } | undefined => {
  for (let index = 0; index < inbox.length; index++) {
    const received = inbox[index] as ReceivedSignal
    const slot = slotWaitingFor(state, received.name)
    if (slot !== undefined) return { slot, index, payload: received.payload }
  }
  return undefined
}
