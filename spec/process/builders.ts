/**
 * Builders for scripting the reducer: snapshots in every state, step outcomes, events, and small
 * readers of effect lists. Every snapshot here is reached through `transition` itself, from
 * `createdSnapshot`, so the tests only ever start from states a real process can be in.
 */
import { childRef, promiseRef, type AwaitableRef } from '../../lib/process/awaitable.js'
import type { Effect, HookName } from '../../lib/process/effects.js'
import type { ErrorInfo } from '../../lib/process/errors.js'
import {
  Events,
  type EmittedOutput,
  type ProcessEvent,
  type StepCompleted,
  type StepDeeds,
  type StepOutcome,
} from '../../lib/process/events.js'
import { stepPosition, type Position } from '../../lib/process/position.js'
import { createdSnapshot, type ProcessSnapshot } from '../../lib/process/snapshot.js'
import type { Pending } from '../../lib/process/state.js'
import { transition, type Transition } from '../../lib/process/transition.js'

export const PID = 'pid-1'

/** The position of the step named `step`, with the arguments it is called with. */
export const at = (step: string, ...args: readonly unknown[]): Position => stepPosition(step, args)

/** A fresh snapshot in CREATED, about to run `position`. */
export const created = (
  position: Position = at('run'),
  options: { readonly ctx?: unknown; readonly status?: string } = {},
): ProcessSnapshot => createdSnapshot(PID, position, options.ctx ?? {}, options.status)

/** Apply `events` in order and return the last transition (the snapshot itself when none). */
export const apply = (snapshot: ProcessSnapshot, ...events: readonly ProcessEvent[]): Transition =>
  events.reduce<Transition>(([s], event) => transition(s, event), [snapshot, []])

/** Apply `events` in order, keeping only the final snapshot. */
export const feed = (snapshot: ProcessSnapshot, ...events: readonly ProcessEvent[]) => {
  let s = snapshot
  for (const event of events) [s] = transition(s, event)
  return s
}

/** Apply `events` in order and return every transition. */
export const script = (snapshot: ProcessSnapshot, ...events: readonly ProcessEvent[]) => {
  const out: Transition[] = []
  let s = snapshot
  for (const event of events) {
    const next = transition(s, event)
    out.push(next)
    s = next[0]
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Outcomes and step events

/** `Continue` to `position`. */
export const continueTo = (position: Position): StepOutcome => ({ _tag: 'Continue', position })

/** `Wait` at `position`, for a resume (no awaitables) or for the awaitables given. */
export const waitAt = (
  position: Position,
  options: {
    readonly message?: string | undefined
    readonly data?: unknown
    readonly awaiting?: readonly Pending[] | undefined
    readonly asked?: string | undefined
  } = {},
): StepOutcome => ({
  _tag: 'Wait',
  position,
  message: options.message,
  data: options.data,
  awaiting: options.awaiting ?? [],
  asked: options.asked,
})

/** `Stop` with a result; exit status 0 and successful unless said otherwise. */
export const stopWith = (
  result: unknown,
  options: {
    readonly successful?: boolean
    readonly exitStatus?: number
    readonly exitMessage?: string
  } = {},
): StepOutcome => ({
  _tag: 'Stop',
  result,
  successful: options.successful ?? true,
  exitStatus: options.exitStatus ?? 0,
  exitMessage: options.exitMessage,
})

/** `Kill` from the body. */
export const killWith = (message?: string): StepOutcome => ({ _tag: 'Kill', message })

/** What a step did besides its outcome; nothing unless given. */
export const deeds = (done: Partial<StepDeeds> = {}): StepDeeds => ({
  step: done.step,
  emitted: done.emitted ?? [],
  logs: done.logs ?? [],
  checkpoints: done.checkpoints ?? [],
  pause: done.pause,
  kill: done.kill,
})

/** The step finished with `outcome`, leaving `ctx` and `outputs` (by default unchanged: `{}`). */
export const stepDone = (
  outcome: StepOutcome,
  options: {
    readonly ctx?: unknown
    readonly outputs?: Readonly<Record<string, unknown>>
    readonly emitted?: readonly EmittedOutput[]
    readonly deeds?: StepDeeds
  } = {},
): StepCompleted =>
  Events.stepCompleted(
    outcome,
    options.ctx ?? {},
    options.outputs ?? {},
    options.deeds ??
      (options.emitted === undefined || options.emitted.length === 0
        ? undefined
        : deeds({ emitted: options.emitted })),
  )

/** One thing to await under `key`. */
export const pending = (
  key: string,
  ref: AwaitableRef = promiseRef(`promise-${key}`),
  append = false,
): Pending => ({ key, ref, append, done: false })

export const child = (pid: string): AwaitableRef => childRef(pid)

/** An error as data. */
export const boom = (message = 'boom', name = 'Error'): ErrorInfo => ({ name, message })

// ---------------------------------------------------------------------------------------------
// Snapshots in each state, each reached through the reducer

/** RUNNING at `position`, between steps. */
export const running = (position: Position = at('run')): ProcessSnapshot =>
  feed(created(position), Events.start())

/** RUNNING at `position`, with its step function running. */
export const stepping = (position: Position = at('run')): ProcessSnapshot =>
  feed(running(position), Events.stepStarted())

/**
 * WAITING to continue at `position`, for a resume or for the awaitables given; `asked` when a
 * generator step suspended inside itself.
 */
export const waiting = (
  position: Position = at('next'),
  options: {
    readonly awaiting?: readonly Pending[]
    readonly ctx?: unknown
    readonly asked?: string
  } = {},
): ProcessSnapshot =>
  feed(
    stepping(),
    stepDone(waitAt(position, { awaiting: options.awaiting ?? [], asked: options.asked }), {
      ctx: options.ctx ?? {},
    }),
  )

/** FINISHED with `result`, closed unless asked otherwise. */
export const finished = (result: unknown = 42, closed = true): ProcessSnapshot => {
  const s = feed(stepping(), stepDone(stopWith(result)))
  return closed ? feed(s, Events.close()) : s
}

/** KILLED with `message`, closed unless asked otherwise. */
export const killedState = (message = 'killed', closed = true): ProcessSnapshot => {
  const s = feed(running(), Events.kill(message))
  return closed ? feed(s, Events.close()) : s
}

/** EXCEPTED with `error`, closed unless asked otherwise. */
export const exceptedState = (error: ErrorInfo = boom(), closed = true): ProcessSnapshot => {
  const s = feed(stepping(), Events.stepFailed(error))
  return closed ? feed(s, Events.close()) : s
}

/** Paused, in whatever state `snapshot` is. */
export const paused = (snapshot: ProcessSnapshot, message = 'paused'): ProcessSnapshot =>
  feed(snapshot, Events.pause(message))

// ---------------------------------------------------------------------------------------------
// Reading effects

/** The names of the hooks the effects call, in order. */
export const hooks = (effects: readonly Effect[]): string[] =>
  effects.flatMap((e) => (e._tag === 'Hook' ? [e.hook] : []))

/** The effects of a given kind. */
export const effectsOf = <T extends Effect['_tag']>(effects: readonly Effect[], tag: T) =>
  effects.filter((e): e is Extract<Effect, { _tag: T }> => e._tag === tag)

/** A hook effect, to compare with. */
export const hook = (name: HookName, ...args: readonly unknown[]): Effect => ({
  _tag: 'Hook',
  hook: name,
  args,
})

/** The state tag of a snapshot. */
export const tagOf = (snapshot: ProcessSnapshot) => snapshot.state._tag

/** The effects of entering RUNNING (after leaving `from`'s exit hook, if any). */
export const enterRunning = (from: 'CREATED' | 'RUNNING' | 'WAITING'): Effect[] => [
  ...exitHook(from),
  hook('onRun'),
  hook('onRunning'),
  { _tag: 'Notify', event: { _tag: 'running' } },
  { _tag: 'StateChanged', from, to: 'RUNNING' },
]

/** The effects of entering WAITING from RUNNING (no awaitables). */
export const enterWaiting = (): Effect[] => [
  hook('onExitRunning'),
  hook('onWait'),
  hook('onWaiting'),
  { _tag: 'Notify', event: { _tag: 'waiting' } },
  { _tag: 'StateChanged', from: 'RUNNING', to: 'WAITING' },
]

/** The hooks, listener event and state change of entering a terminal state. */
export const enterTerminal = (
  from: 'CREATED' | 'RUNNING' | 'WAITING' | 'FINISHED' | 'KILLED',
  to:
    | { readonly _tag: 'FINISHED'; readonly result: unknown; readonly successful: boolean }
    | { readonly _tag: 'KILLED'; readonly message: string | undefined }
    | { readonly _tag: 'EXCEPTED'; readonly error: ErrorInfo },
  outputs: Readonly<Record<string, unknown>> = {},
): Effect[] => {
  const entering: Effect[] =
    to._tag === 'FINISHED'
      ? [
          hook('onFinish', to.result, to.successful),
          hook('onFinished'),
          { _tag: 'Notify', event: { _tag: 'finished', outputs } },
        ]
      : to._tag === 'KILLED'
        ? [
            hook('onKill', to.message),
            hook('onKilled'),
            { _tag: 'Notify', event: { _tag: 'killed', message: to.message } },
          ]
        : [
            hook('onExcept', to.error),
            hook('onExcepted'),
            { _tag: 'Notify', event: { _tag: 'excepted', error: to.error } },
          ]
  return [...exitHook(from), ...entering, { _tag: 'StateChanged', from, to: to._tag }]
}

/** The effect asking for the `Close` event, which a terminal move ends with. */
export const RAISE_CLOSE: Effect = { _tag: 'Raise', event: Events.close() }

/** The effects of the `Close` event: the closing hooks, then `Terminated`. */
export const closing = (): Effect[] => [
  hook('onClose'),
  hook('onTerminated'),
  { _tag: 'Terminated' },
]

const exitHook = (from: string): Effect[] =>
  from === 'RUNNING' ? [hook('onExitRunning')] : from === 'WAITING' ? [hook('onExitWaiting')] : []

export const RUN_STEP: Effect = { _tag: 'RunStep' }
export const reply = (value: boolean): Effect => ({ _tag: 'Reply', value })
export const defer = (action: 'pause' | 'kill'): Effect => ({ _tag: 'Defer', action })
export const settle = (action: 'pause' | 'kill', value: boolean): Effect => ({
  _tag: 'Settle',
  action,
  value,
})
export const pausedEffects = (message: string | undefined): Effect[] => [
  hook('onPause', message),
  { _tag: 'Notify', event: { _tag: 'paused' } },
]
export const playedEffects = (): Effect[] => [
  hook('onPlay'),
  { _tag: 'Notify', event: { _tag: 'played' } },
]
export { promiseRef, childRef }
