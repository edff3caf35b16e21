/**
 * Signals reaching a process: one it waits for settles that wait; one that comes early is kept
 * in its inbox (and so in its checkpoints) until a wait for it starts; one sent to a process
 * that has terminated is refused. `resume(value)` is the signal without a name: it settles a
 * wait for a resume, is a duplicate (and changes nothing) right after one, and is kept otherwise,
 * once. Part of the reducer (`transition.ts`).
 */
import type { Effect } from './effects.js'
import { REPLY_TRUE, REPLY_TRUE_EFFECT, enter, finish, type Transition } from './enter.js'
import { withJournalEntry, type Position } from './position.js'
import { reject } from './requests.js'
import { settleSlot } from './settle.js'
import type { ProcessSnapshot, ReceivedSignal } from './snapshot.js'
import { isTerminal, type ProcessState, type Running, type Waiting } from './state.js'

const KEPT_AND_REPLIED: readonly Effect[] = Object.freeze([
  { _tag: 'SignalKept' },
  REPLY_TRUE_EFFECT,
])

/**
 * A signal `name` with its payload (already checked by its codec where it entered); without a
 * name, a resume with its value.
 */
export const receiveSignal = (
  s: ProcessSnapshot,
  name: string | undefined,
  payload: unknown,
): Transition => {
  if (isTerminal(s.state)) {
    const what = name === undefined ? 'resume' : `signal '${name}'`
    return reject(s, `process ${s.pid} has terminated (${s.state._tag}): ${what} refused`)
  }
  if (name === undefined) return receiveResume(s, payload)
  const slot = slotWaitingFor(s.state, name)
  if (slot === undefined)
    return [{ ...s, inbox: [...(s.inbox ?? []), { name, payload }] }, KEPT_AND_REPLIED]
  const effects: Effect[] = []
  const next = settleSlot(s, slot, payload, effects)
  effects.push(REPLY_TRUE_EFFECT)
  return finish(s, [next, effects])
}

const receiveResume = (s: ProcessSnapshot, value: unknown): Transition => {
  const state = s.state
  // The RUNNING that a resume entered hears of it again: resume is idempotent.
  if (state._tag === 'RUNNING' && state.resumed) return [s, REPLY_TRUE]
  if (waitsForResume(state)) {
    const effects: Effect[] = [REPLY_TRUE_EFFECT]
    return finish(s, [resumeWaiting(s, state, value, effects), effects])
  }
  // Kept once: a second resume before a wait takes the first is the same request again.
  if (s.inbox?.some(isResume) === true) return [s, REPLY_TRUE]
  return [{ ...s, inbox: [...(s.inbox ?? []), { payload: value }] }, KEPT_AND_REPLIED]
}

/**
 * A wait for a resume gets one: paused, the first value is kept until `play()` (which raises it
 * again); otherwise the process goes on with it.
 */
const resumeWaiting = (
  s: ProcessSnapshot,
  state: Waiting,
  value: unknown,
  effects: Effect[],
): ProcessSnapshot => {
  const kept = state.resumedWith
  if (s.paused)
    return kept !== undefined ? s : { ...s, state: { ...state, resumedWith: { value } } }
  const running: Running = {
    _tag: 'RUNNING',
    position: positionWithAnswer(state, kept === undefined ? value : kept.value),
    resumed: true,
  }
  return enter(s, running, effects)[0]
}

/**
 * Where a resumed process goes on: a generator step gets the value as its journal's next answer,
 * a plain step as its arguments.
 */
const positionWithAnswer = (state: Waiting, value: unknown): Position => {
  const position = state.position
  if (state.asked !== undefined)
    return withJournalEntry(position, { asked: state.asked, answer: value })
  if (position._tag === 'Step') return { ...position, args: value === undefined ? [] : [value] }
  return position
}

/**
 * A wait has just started: a kept resume settles a wait for a resume, and the signals a wait
 * waits for that the inbox already holds settle it, the oldest of each name first (and leave the
 * inbox).
 */
export const takeFromInbox = (s: ProcessSnapshot, effects: Effect[]): ProcessSnapshot => {
  const state = s.state
  if (waitsForResume(state)) {
    const inbox = s.inbox ?? []
    const index = inbox.findIndex(isResume)
    if (index < 0) return s
    const rest = inbox.filter((_, i) => i !== index)
    const taken = { ...s, inbox: rest.length === 0 ? undefined : rest }
    return resumeWaiting(taken, state, (inbox[index] as ReceivedSignal).payload, effects)
  }
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

/** WAITING with nothing awaited: what ends the wait is a resume. */
export const waitsForResume = (state: ProcessState): state is Waiting =>
  state._tag === 'WAITING' && state.awaiting.length === 0

/** An inbox entry that is a kept resume (the signal without a name). */
export const isResume = (received: ReceivedSignal): boolean => received.name === undefined

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
    if (received.name === undefined) continue
    const slot = slotWaitingFor(state, received.name)
    if (slot !== undefined) return { slot, index, payload: received.payload }
  }
  return undefined
}
