/**
 * The process reducer: `transition(snapshot, event) -> [snapshot, effects]`. Every lifecycle rule
 * of SEMANTICS.md lives here: legal moves, results, hook order, status text, and the deferral of
 * pause and kill while a step runs. It is pure and total: it never throws, reads no clock and does
 * no I/O; an event that would make an illegal move sends the process to EXCEPTED instead.
 */
import { freeze } from 'immer'
import type { Effect, HookName, ListenerEvent } from './effects.js'
import { errorInfo, type ErrorInfo } from './errors.js'
import type { ProcessEvent, StepCompleted, StepOutcome } from './events.js'
import type { Position } from './position.js'
import { afterStepSnapshot, withState, withStepping, type ProcessSnapshot } from './snapshot.js'
import {
  STATE_NAMES,
  isLegalMove,
  isTerminal,
  type Pending,
  type ProcessState,
  type StateName,
  type Waiting,
} from './state.js'

/** The result of a transition: the next snapshot and the effects to perform, in order. */
export type Transition = readonly [ProcessSnapshot, readonly Effect[]]

/** Apply one event. Total: any failure inside becomes an EXCEPTED snapshot. */
export const transition = (snapshot: ProcessSnapshot, event: ProcessEvent): Transition => {
  try {
    return reduce(snapshot, event)
  } catch (error) {
    return fail(snapshot, errorInfo(error), [])
  }
}

/** The effects of creating a process: hook, listener and the first state change. */
export const creationEffects = (): readonly Effect[] => CREATION

const reduce = (s: ProcessSnapshot, e: ProcessEvent): Transition => {
  switch (e._tag) {
    case 'Start':
      if (s.state._tag !== 'CREATED') return illegal(s, `cannot start a ${s.state._tag} process`)
      return finish(
        s,
        enter(s, { _tag: 'RUNNING', position: s.state.position, resumed: false }, []),
      )
    case 'StepStarted':
      if (s.state._tag !== 'RUNNING' || s.paused || s.stepping || s.closed)
        return illegal(s, `cannot start a step while ${describe(s)}`)
      return [withStepping(s, true), NO_EFFECTS]
    case 'StepCompleted':
      return stepCompleted(s, e)
    case 'StepFailed':
      if (isTerminal(s.state) && s.stepping) return [{ ...s, stepping: false }, NO_EFFECTS]
      if (s.state._tag !== 'RUNNING' || !s.stepping)
        return illegal(s, `a step failed while ${describe(s)}`)
      return afterStep(enter({ ...s, stepping: false }, excepted(e.error), []))
    case 'Resume':
      return resume(s, e.value)
    case 'Pause':
      return pause(s, e.message)
    case 'Play':
      return play(s)
    case 'Kill':
      return kill(s, e.message, e.force)
    case 'AwaitableSettled':
      return settled(s, e.slot, e.value)
    case 'AwaitableFailed':
      if (isTerminal(s.state)) return [s, NO_EFFECTS]
      if (s.state._tag !== 'WAITING' || pendingAt(s.state, e.slot) === undefined)
        return illegal(s, `awaitable ${e.slot} failed while ${describe(s)}`)
      return finish(s, enter(s, excepted(e.error), []))
    case 'Fail':
      return fail(s, e.error, [])
    case 'Close':
      if (!isTerminal(s.state)) return illegal(s, `cannot close a ${s.state._tag} process`)
      return s.closed ? [s, NO_EFFECTS] : [{ ...s, closed: true }, NO_EFFECTS]
    case 'SetStatus':
      return [{ ...s, status: e.status }, NO_EFFECTS]
    default:
      return absurd(e)
  }
}

// ---------------------------------------------------------------------------------------------
// Steps

const stepCompleted = (s: ProcessSnapshot, e: StepCompleted): Transition => {
  // A force kill from inside the step already ended the process: its result is discarded.
  if (isTerminal(s.state) && s.stepping) return [{ ...s, stepping: false }, NO_EFFECTS]
  if (s.state._tag !== 'RUNNING' || !s.stepping)
    return illegal(s, `a step completed while ${describe(s)}`)
  if (
    e.outcome._tag === 'Continue' &&
    e.emitted.length === 0 &&
    s.pendingKill === undefined &&
    s.pendingPause === undefined &&
    !s.paused
  ) {
    // The common case, a step that continues to the next: one shared list of effects.
    const next: ProcessState = { _tag: 'RUNNING', position: e.outcome.position, resumed: false }
    return [afterStepSnapshot(s, next, e.ctx, e.outputs), CONTINUE_EFFECTS]
  }
  const effects: Effect[] = []
  for (const out of e.emitted) {
    effects.push({
      _tag: 'Hook',
      hook: 'onOutputEmitted',
      args: [out.port, out.value, out.dynamic],
    })
    effects.push({ _tag: 'Notify', event: { _tag: 'outputEmitted', ...out } })
  }
  const stepped: ProcessSnapshot = { ...s, stepping: false, ctx: e.ctx, outputs: e.outputs }
  const next = outcomeState(e.outcome)
  const withStatus = e.outcome._tag === 'Kill' ? { ...stepped, status: e.outcome.message } : stepped
  return afterStep(enter(withStatus, next, effects))
}

const outcomeState = (outcome: StepOutcome): ProcessState => {
  switch (outcome._tag) {
    case 'Continue':
      return { _tag: 'RUNNING', position: outcome.position, resumed: false }
    case 'Wait':
      return {
        _tag: 'WAITING',
        position: outcome.position,
        message: outcome.message,
        data: outcome.data,
        awaiting: outcome.awaiting,
      }
    case 'Stop':
      return {
        _tag: 'FINISHED',
        result: outcome.result,
        successful: outcome.successful && outcome.exitStatus === 0,
        exitStatus: outcome.exitStatus,
        exitMessage: outcome.exitMessage,
      }
    case 'Kill':
      return { _tag: 'KILLED', message: outcome.message }
    default:
      return absurd(outcome)
  }
}

/** After a step's own transition: the interruptions asked for during the step apply, kill first. */
const afterStep = ([s, effects]: Transition): Transition => {
  let snapshot = s
  const out = effects as Effect[]
  if (snapshot.pendingKill !== undefined) {
    const { message } = snapshot.pendingKill
    snapshot = { ...snapshot, pendingKill: undefined }
    if (isTerminal(snapshot.state)) {
      out.push({ _tag: 'Settle', action: 'kill', value: snapshot.state._tag === 'KILLED' })
    } else {
      // A step that registered children and was killed meanwhile leaves none of them behind.
      killChildrenOf(snapshot.state, message, out)
      ;[snapshot] = enter({ ...snapshot, status: message }, killed(message), out)
      out.push({ _tag: 'Settle', action: 'kill', value: true })
    }
    if (snapshot.pendingPause !== undefined) {
      snapshot = { ...snapshot, pendingPause: undefined }
      out.push({ _tag: 'Settle', action: 'pause', value: false })
    }
  }
  if (snapshot.pendingPause !== undefined) {
    const { message } = snapshot.pendingPause
    snapshot = pausedNow({ ...snapshot, pendingPause: undefined }, message, out)
    out.push({ _tag: 'Settle', action: 'pause', value: true })
  }
  return finish(snapshot, [snapshot, closingLast(out)])
}

/**
 * The closing effects of a terminal state (onClose, onTerminated, Terminate) go after the
 * interruptions applied at the end of the step: closing settles every request still pending, so
 * a pause that applies after the step's last transition would otherwise be settled false first.
 */
const closingLast = (effects: Effect[]): Effect[] => {
  const start = effects.indexOf(HOOK_CLOSE)
  if (start < 0 || start + 3 === effects.length) return effects
  effects.push(...effects.splice(start, 3))
  return effects
}

// ---------------------------------------------------------------------------------------------
// Requests from outside: resume, pause, play, kill

const resume = (s: ProcessSnapshot, value: unknown): Transition => {
  const state = s.state
  if (state._tag === 'RUNNING' && state.resumed && !s.stepping) return [s, REPLY_TRUE]
  if (state._tag !== 'WAITING')
    return reject(s, `cannot resume a ${state._tag} process: resume is valid only while WAITING`)
  if (state.awaiting.length > 0)
    return reject(s, 'cannot resume a process that waits on awaitables: they resume it')
  const running: ProcessState = {
    _tag: 'RUNNING',
    position: positionWithValue(state.position, value),
    resumed: true,
  }
  return finish(s, enter(s, running, [REPLY_TRUE_EFFECT]))
}

const positionWithValue = (position: Position, value: unknown): Position => {
  if (position.journal !== undefined)
    return {
      ...position,
      journal: { ...position.journal, results: [...position.journal.results, value] },
    }
  if (position._tag === 'Step') return { ...position, args: value === undefined ? [] : [value] }
  return position
}

const pause = (s: ProcessSnapshot, message: string | undefined): Transition => {
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

const pausedNow = (s: ProcessSnapshot, message: string | undefined, effects: Effect[]) => {
  effects.push(hook('onPause', [message]), notify({ _tag: 'paused' }))
  return { ...s, paused: true, prePauseStatus: s.status, status: message }
}

const play = (s: ProcessSnapshot): Transition => {
  if (s.pendingPause !== undefined)
    return [
      { ...s, pendingPause: undefined },
      [{ _tag: 'Settle', action: 'pause', value: false }, REPLY_TRUE_EFFECT],
    ]
  if (!s.paused) return [s, REPLY_TRUE]
  const snapshot = { ...s, paused: false, status: s.prePauseStatus, prePauseStatus: undefined }
  return finish(snapshot, [
    snapshot,
    [hook('onPlay', []), notify({ _tag: 'played' }), REPLY_TRUE_EFFECT],
  ])
}

const kill = (s: ProcessSnapshot, message: string | undefined, force: boolean): Transition => {
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
  return finish(snapshot, [snapshot, out])
}

/** A process killed while WAITING asks to kill the children it has not heard back from. */
const killChildrenOf = (state: ProcessState, message: string | undefined, effects: Effect[]) => {
  if (state._tag !== 'WAITING') return
  const pids = unfinishedChildren(state)
  if (pids.length > 0) effects.push({ _tag: 'KillChildren', pids, message })
}

const unfinishedChildren = (state: Waiting): string[] =>
  state.awaiting.flatMap((p) => (!p.done && p.ref._tag === 'Child' ? [p.ref.pid] : []))

// ---------------------------------------------------------------------------------------------
// Awaitables

const pendingAt = (state: Waiting, slot: number): Pending | undefined => {
  const pending = state.awaiting[slot]
  return pending === undefined || pending.done ? undefined : pending
}

const settled = (s: ProcessSnapshot, slot: number, value: unknown): Transition => {
  if (isTerminal(s.state)) return [s, NO_EFFECTS]
  if (s.state._tag !== 'WAITING' || pendingAt(s.state, slot) === undefined)
    return illegal(s, `awaitable ${slot} settled while ${describe(s)}`)
  const state = s.state
  const awaiting = state.awaiting.map((p, i) => (i === slot ? { ...p, done: true, value } : p))
  if (awaiting.some((p) => !p.done)) return [{ ...s, state: { ...state, awaiting } }, NO_EFFECTS]
  const { position, ctx } = deliver(state.position, s.ctx, awaiting)
  const running: ProcessState = { _tag: 'RUNNING', position, resumed: false }
  return finish(s, enter({ ...s, ctx }, running, []))
}

/**
 * Hand the awaited results over: a generator step suspended inside itself gets them as its next
 * journal result (it puts them in its own draft of the context when it replays); otherwise they
 * land in the context under their keys, appended for list keys, later keys overwriting.
 */
const deliver = (position: Position, ctx: unknown, awaiting: readonly Pending[]) => {
  const results = collectResults(awaiting, position.journal === undefined ? ctx : {})
  if (position.journal !== undefined)
    return {
      ctx,
      position: {
        ...position,
        journal: { ...position.journal, results: [...position.journal.results, results] },
      },
    }
  return { position, ctx: freeze({ ...(ctx as object), ...results }, true) }
}

/** The awaited values by key; `base` supplies the lists that appended values extend. */
export const collectResults = (
  awaiting: readonly Pending[],
  base: unknown,
): Record<string, unknown> => {
  const results: Record<string, unknown> = {}
  const existing = (base ?? {}) as Record<string, unknown>
  for (const p of awaiting) {
    if (p.append) {
      const list = p.key in results ? results[p.key] : existing[p.key]
      results[p.key] = [...(Array.isArray(list) ? list : []), p.value]
    } else {
      results[p.key] = p.value
    }
  }
  return results
}

// ---------------------------------------------------------------------------------------------
// Entering states

/**
 * Move to `next`, appending the hooks, listener events and state change of the move to
 * `effects`. An illegal move becomes EXCEPTED instead.
 */
const enter = (s: ProcessSnapshot, next: ProcessState, effects: Effect[]): Transition => {
  const from = s.state._tag
  if (!isLegalMove(from, next._tag))
    return enterUnchecked(s, excepted(illegalMove(from, next._tag)), effects)
  return enterUnchecked(s, next, effects)
}

const enterUnchecked = (s: ProcessSnapshot, next: ProcessState, effects: Effect[]): Transition => {
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
  if (isTerminal(next)) effects.push(HOOK_CLOSE, HOOK_TERMINATED, TERMINATE)
  return [withState(s, next), effects]
}

/** Every transition ends here: a RUNNING process that is not paused asks for its step. */
const finish = (_before: ProcessSnapshot, [s, effects]: Transition): Transition => {
  if (s.state._tag === 'RUNNING' && !s.paused && !s.stepping) (effects as Effect[]).push(RUN_STEP)
  return [s, effects]
}

const fail = (s: ProcessSnapshot, error: ErrorInfo, effects: Effect[]): Transition => {
  if (s.closed || s.state._tag === 'EXCEPTED' || (isTerminal(s.state) && s.stepping))
    return [s, [{ _tag: 'Log', level: 'error', message: `ignored failure: ${error.message}` }]]
  // A finishing hook that fails (the state is terminal but not closed yet) still turns the
  // process EXCEPTED: the failure belongs to the move that is being made.
  const base: ProcessSnapshot = { ...s, stepping: false }
  return afterStep(enterUnchecked(base, excepted(error), effects))
}

const illegal = (s: ProcessSnapshot, message: string): Transition =>
  isTerminal(s.state)
    ? [s, [{ _tag: 'Log', level: 'warn', message: `ignored: ${message}` }]]
    : fail(s, { name: 'IllegalMoveError', message }, [])

const reject = (s: ProcessSnapshot, message: string): Transition => [
  s,
  [{ _tag: 'Reject', error: { name: 'InvalidStateError', message } }],
]

const illegalMove = (from: StateName, to: StateName): ErrorInfo => ({
  name: 'IllegalMoveError',
  message: `illegal move ${from} -> ${to}`,
})

const describe = (s: ProcessSnapshot): string =>
  `${s.state._tag}${s.paused ? ' (paused)' : ''}${s.stepping ? ' (stepping)' : ''}`

const excepted = (error: ErrorInfo): ProcessState => ({ _tag: 'EXCEPTED', error })
const killed = (message: string | undefined): ProcessState => ({ _tag: 'KILLED', message })
const hook = (name: HookName, args: readonly unknown[]): Effect => ({
  _tag: 'Hook',
  hook: name,
  args,
})
const notify = (event: ListenerEvent): Effect => ({ _tag: 'Notify', event })

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
const stateChanged = (from: StateName | null, to: StateName): Effect =>
  (STATE_CHANGES[String(from)] as Record<StateName, Effect>)[to]

const absurd = (value: never): never => {
  throw new Error(`unexpected ${JSON.stringify(value)}`)
}

// Effects without data are shared constants: a step should allocate as little as possible.
const NO_EFFECTS: readonly Effect[] = Object.freeze([])
const RUN_STEP: Effect = { _tag: 'RunStep' }
const TERMINATE: Effect = { _tag: 'Terminate' }
const REPLY_TRUE_EFFECT: Effect = { _tag: 'Reply', value: true }
const REPLY_TRUE: readonly Effect[] = Object.freeze([REPLY_TRUE_EFFECT])
const REPLY_FALSE: readonly Effect[] = Object.freeze([{ _tag: 'Reply', value: false } as Effect])
const DEFER_PAUSE: readonly Effect[] = Object.freeze([{ _tag: 'Defer', action: 'pause' } as Effect])
const DEFER_KILL: readonly Effect[] = Object.freeze([{ _tag: 'Defer', action: 'kill' } as Effect])
const HOOK_RUN = hook('onRun', [])
const HOOK_RUNNING = hook('onRunning', [])
const HOOK_EXIT_RUNNING = hook('onExitRunning', [])
const HOOK_WAIT = hook('onWait', [])
const HOOK_WAITING = hook('onWaiting', [])
const HOOK_EXIT_WAITING = hook('onExitWaiting', [])
const HOOK_FINISHED = hook('onFinished', [])
const HOOK_EXCEPTED = hook('onExcepted', [])
const HOOK_KILLED = hook('onKilled', [])
const HOOK_CLOSE = hook('onClose', [])
const HOOK_TERMINATED = hook('onTerminated', [])
const NOTIFY_RUNNING = notify({ _tag: 'running' })
const NOTIFY_WAITING = notify({ _tag: 'waiting' })
const CONTINUE_EFFECTS: readonly Effect[] = Object.freeze([
  HOOK_EXIT_RUNNING,
  HOOK_RUN,
  HOOK_RUNNING,
  NOTIFY_RUNNING,
  stateChanged('RUNNING', 'RUNNING'),
  RUN_STEP,
])
const CREATION: readonly Effect[] = Object.freeze([
  hook('onCreate', []),
  notify({ _tag: 'created' }),
  stateChanged(null, 'CREATED'),
])
