/**
 * The process reducer: `transition(snapshot, event) -> [snapshot, effects]`. Every lifecycle rule
 * of SEMANTICS.md lives here and in the files it is split into (`enter.ts` for the moves,
 * `requests.ts` for pause, play and kill, `signals.ts` for signals and resume, `settle.ts` for awaitables): legal moves,
 * results, hook order, status text, and the deferral of pause and kill while a step runs. It is
 * pure and total: it never throws, reads no clock and does no I/O; an event that would make an
 * illegal move sends the process to EXCEPTED instead.
 */
import type { Effect } from './effects.js'
import {
  CLOSING,
  CONTINUE_EFFECTS,
  CREATION,
  EXECUTE_STEP,
  NO_EFFECTS,
  absurd,
  enter,
  enterUnchecked,
  excepted,
  finish,
  hook,
  killed,
  notify,
  type Transition,
} from './enter.js'
import { errorInfo, type ErrorInfo } from './errors.js'
import type { ProcessEvent, StepCompleted, StepDeeds, StepFailed, StepOutcome } from './events.js'
import { kill, killChildrenOf, pause, pausedNow, play } from './requests.js'
import { failed, settled } from './settle.js'
import { entryRestarted } from './entry-retry.js'
import { failedAttempt, retryAfterStep } from './retry.js'
import { receiveSignal, takeFromInbox } from './signals.js'
import {
  afterStepSnapshot,
  closedSnapshot,
  withStepping,
  type ProcessSnapshot,
} from './snapshot.js'
import { isTerminal, type ProcessState } from './state.js'

export type { Transition } from './enter.js'
export { collectResults } from './settle.js'

/** Apply one event. Total: any failure inside becomes an EXCEPTED snapshot. */
export const transition = (snapshot: ProcessSnapshot, event: ProcessEvent): Transition => {
  try {
    return reduce(snapshot, event)
  } catch (error) {
    return fail(snapshot, errorInfo(error))
  }
}

/**
 * The effects of creating a process: the listener event and the first state change. (Its
 * `onCreate` hook runs before, as part of the creation: a throw means no process was created.)
 */
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
      // A step asked for earlier may have been overtaken by a pause, a kill or a failure.
      if (s.state._tag !== 'RUNNING' || s.paused || s.stepping || s.closed) return [s, NO_EFFECTS]
      return [withStepping(s, true), EXECUTE_STEP]
    case 'StepCompleted':
      return stepCompleted(s, e)
    case 'StepFailed':
      return stepFailed(s, e)
    case 'Signal':
      return receiveSignal(s, e.name, e.payload)
    case 'Pause':
      return pause(s, e.message)
    case 'Play':
      return play(s)
    case 'Kill':
      return kill(s, e.message, e.force)
    case 'AwaitableSettled':
      return (
        settled(s, e.slot, e.value) ??
        illegal(s, `awaitable ${e.slot} settled while ${describe(s)}`)
      )
    case 'AwaitableFailed':
      return (
        failed(s, e.slot, e.error, e.judged) ??
        illegal(s, `awaitable ${e.slot} failed while ${describe(s)}`)
      )
    case 'AwaitableRestarted':
      return entryRestarted(s, e.slot, e.ref, e.at)
    case 'Fail':
      return fail(s, e.error)
    case 'Close':
      if (!isTerminal(s.state)) return illegal(s, `cannot close a ${s.state._tag} process`)
      return s.closed ? [s, NO_EFFECTS] : [closedSnapshot(s), CLOSING]
    case 'SetStatus':
      return [{ ...s, status: e.status }, NO_EFFECTS]
    default:
      return absurd(e)
  }
}

// ---------------------------------------------------------------------------------------------
// Steps

const stepCompleted = (s: ProcessSnapshot, e: StepCompleted): Transition => {
  // Killed by force while the step ran: what the step did is discarded, children it started too.
  if (isTerminal(s.state) && s.stepping) return discarded(s, e.outcome)
  if (s.state._tag !== 'RUNNING' || !s.stepping)
    return illegal(s, `a step completed while ${describe(s)}`)
  const deeds = e.deeds
  if (
    deeds === undefined &&
    e.outcome._tag === 'Continue' &&
    s.pendingKill === undefined &&
    s.pendingPause === undefined &&
    !s.paused
  ) {
    // The common case, a step that continues to the next: one shared list of effects.
    const next: ProcessState = { _tag: 'RUNNING', position: e.outcome.position, resumed: false }
    return [afterStepSnapshot(s, next, e.ctx, e.outputs), CONTINUE_EFFECTS]
  }
  const effects: Effect[] = []
  const retry = retryAfterStep(s, e.outcome)
  const base = afterStepSnapshot(s, s.state, e.ctx, e.outputs)
  const stepped = withDeeds(retry === undefined ? base : { ...base, retry }, deeds, effects)
  const [entered, out] =
    stepped.pendingKill !== undefined
      ? killInsteadOf(stepped, e.outcome, effects)
      : enter(withKillStatus(stepped, e.outcome), outcomeState(e.outcome), effects)
  // A wait for signals (or a resume) that have already arrived is settled by them at once.
  const after =
    entered.state._tag === 'WAITING' && entered.inbox !== undefined
      ? takeFromInbox(entered, out as Effect[])
      : entered
  const paused = pauseAfterStep(after, out as Effect[])
  for (const tag of deeds?.checkpoints ?? []) (out as Effect[]).push({ _tag: 'Checkpoint', tag })
  return finish(s, [paused, out])
}

const stepFailed = (s: ProcessSnapshot, e: StepFailed): Transition => {
  if (isTerminal(s.state) && s.stepping) return [{ ...s, stepping: false }, NO_EFFECTS]
  if (s.state._tag !== 'RUNNING' || !s.stepping)
    return illegal(s, `a step failed while ${describe(s)}`)
  const effects: Effect[] = []
  const outputs = e.outputs ?? s.outputs
  const stepped = withDeeds({ ...s, stepping: false, outputs }, e.deeds, effects)
  if (e.retry !== undefined && stepped.pendingKill === undefined) {
    const after = failedAttempt(stepped, { ...e, retry: e.retry }, effects)
    const settled = isTerminal(after.state)
      ? settlePending(after, effects)
      : pauseAfterStep(after, effects)
    return finish(s, [settled, effects])
  }
  const [after, out] = enter({ ...stepped, retry: undefined }, excepted(e.error), effects)
  return finish(s, [settlePending(after, out as Effect[]), out])
}

/**
 * What a step did besides its outcome, in the order it did it: log lines, then outputs (hooks and
 * listeners hear of them), and the pause or kill it asked for (kept pending until its move).
 */
const withDeeds = (
  s: ProcessSnapshot,
  deeds: StepDeeds | undefined,
  effects: Effect[],
): ProcessSnapshot => {
  if (deeds === undefined) return s
  for (const line of deeds.logs)
    effects.push({ _tag: 'Log', level: line.level, message: line.message, step: deeds.step })
  for (const out of deeds.emitted) {
    effects.push(hook('onOutputEmitted', [out.port, out.value, out.dynamic]))
    // A literal, not a spread of `out`: a spread copies through the slow generic path.
    effects.push(
      notify({ _tag: 'outputEmitted', port: out.port, value: out.value, dynamic: out.dynamic }),
    )
  }
  if (deeds.pause === undefined && deeds.kill === undefined) return s
  return {
    ...s,
    pendingPause: s.pendingPause ?? deeds.pause,
    pendingKill: s.pendingKill ?? deeds.kill,
  }
}

/** A step that ends the process KILLED sets the status text to its message. */
const withKillStatus = (s: ProcessSnapshot, outcome: StepOutcome): ProcessSnapshot =>
  outcome._tag === 'Kill' ? { ...s, status: outcome.message } : s

/**
 * A graceful kill asked for during the step (from inside or outside): the step's transition is
 * replaced by KILLED, whatever it was, and children the step started are killed with it.
 */
const killInsteadOf = (s: ProcessSnapshot, outcome: StepOutcome, effects: Effect[]): Transition => {
  const message = outcome._tag === 'Kill' ? outcome.message : s.pendingKill?.message
  if (outcome._tag === 'Wait') killChildrenOf(waitingOn(outcome), message, effects)
  const base: ProcessSnapshot = { ...s, pendingKill: undefined, status: message }
  const result = enter(base, killed(message), effects)
  effects.push({ _tag: 'Settle', action: 'kill', value: true })
  return result
}

/** A pause asked for during the step applies once its transition has (a kill settles it false). */
const pauseAfterStep = (s: ProcessSnapshot, effects: Effect[]): ProcessSnapshot => {
  if (s.pendingPause === undefined) return s
  if (s.state._tag === 'KILLED') {
    effects.push({ _tag: 'Settle', action: 'pause', value: false })
    return { ...s, pendingPause: undefined }
  }
  const { message } = s.pendingPause
  const paused = pausedNow({ ...s, pendingPause: undefined }, message, effects)
  effects.push({ _tag: 'Settle', action: 'pause', value: true })
  return paused
}

/** A process that fails settles the interruptions pending on it: neither happened. */
const settlePending = (s: ProcessSnapshot, effects: Effect[]): ProcessSnapshot => {
  if (s.pendingKill === undefined && s.pendingPause === undefined) return s
  if (s.pendingKill !== undefined) effects.push({ _tag: 'Settle', action: 'kill', value: false })
  if (s.pendingPause !== undefined) effects.push({ _tag: 'Settle', action: 'pause', value: false })
  return { ...s, pendingKill: undefined, pendingPause: undefined }
}

/** A step whose process was killed by force meanwhile: nothing of it is kept. */
const discarded = (s: ProcessSnapshot, outcome: StepOutcome): Transition => {
  const effects: Effect[] = []
  if (outcome._tag === 'Wait') killChildrenOf(waitingOn(outcome), s.status, effects)
  return [{ ...s, stepping: false }, effects]
}

const waitingOn = (outcome: Extract<StepOutcome, { _tag: 'Wait' }>): ProcessState =>
  outcomeState(outcome)

const outcomeState = (outcome: StepOutcome): ProcessState => {
  switch (outcome._tag) {
    case 'Continue':
      return { _tag: 'RUNNING', position: outcome.position, resumed: false }
    case 'Wait':
      // Two literals, not a spread: a spread leaves every WAITING state a slot larger.
      return outcome.race === true
        ? {
            _tag: 'WAITING',
            position: outcome.position,
            message: outcome.message,
            data: outcome.data,
            awaiting: outcome.awaiting,
            asked: outcome.asked,
            race: true,
          }
        : {
            _tag: 'WAITING',
            position: outcome.position,
            message: outcome.message,
            data: outcome.data,
            awaiting: outcome.awaiting,
            asked: outcome.asked,
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

// ---------------------------------------------------------------------------------------------
// Failures

const fail = (s: ProcessSnapshot, error: ErrorInfo): Transition => {
  if (s.closed || s.state._tag === 'EXCEPTED' || (isTerminal(s.state) && s.stepping))
    return [s, [{ _tag: 'Log', level: 'error', message: `ignored failure: ${error.message}` }]]
  // A finishing hook that fails (the state is terminal but not closed yet) still turns the
  // process EXCEPTED: the failure belongs to the move that is being made.
  const effects: Effect[] = []
  const [after, out] = enterUnchecked({ ...s, stepping: false }, excepted(error), effects)
  return finish(s, [settlePending(after, out as Effect[]), out])
}

const illegal = (s: ProcessSnapshot, message: string): Transition =>
  isTerminal(s.state)
    ? [s, [{ _tag: 'Log', level: 'warn', message: `ignored: ${message}` }]]
    : fail(s, { name: 'IllegalMoveError', message })

const describe = (s: ProcessSnapshot): string =>
  `${s.state._tag}${s.paused ? ' (paused)' : ''}${s.stepping ? ' (stepping)' : ''}`
