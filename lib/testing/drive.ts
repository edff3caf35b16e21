/**
 * `driveDefinition`: run a whole definition with no runner, no timers and no Promise. The pure
 * `transition` and `executeStep` are driven in a synchronous loop with a fixed pid; whatever a
 * step awaits (a child, a task, a promise) is answered by a script, and so is every wait for
 * `resume`. The result is a trace of the steps taken and the state the process stopped in.
 *
 * @example
 * const run = driveDefinition(Parent, { x: 1 }, {
 *   answer: (request) => (request.kind === 'launch' ? { y: 2 } : unanswered),
 * })
 * run.trace.map((entry) => entry.cursor) // ['0:launchChild', '1:useResult']
 * run.state // 'FINISHED'
 */
import { initialContext } from '../process/context.js'
import { childRef, promiseRef, type AwaitableRef } from '../process/awaitable.js'
import type { Body, BodyOutcome, Located, ProcessDefinition } from '../process/definition.js'
import type { Effect } from '../process/effects.js'
import { KilledError, ProcessError, errorInfo } from '../process/errors.js'
import { Events, type ProcessEvent, type StepOutcome } from '../process/events.js'
import { executeStep, type LiveSlot } from '../process/execute.js'
import type { Position } from '../process/position.js'
import { createdSnapshot, type ProcessSnapshot } from '../process/snapshot.js'
import { isTerminal, type Pending } from '../process/state.js'
import { MutableStepApi } from '../process/step-api.js'
import { creationEffects, transition } from '../process/transition.js'
import { Cursor } from '../workchain/cursor.js'
import type { Block } from '../workchain/outline.js'
import { parseInputs } from './inputs.js'
import type { ControlRequest } from './run-step.js'
import {
  unanswered,
  type AwaitRequest,
  type DriveResult,
  type DriveScript,
  type Stopped,
  type TraceEntry,
} from './drive-script.js'

type Action =
  | { readonly _tag: 'Step' }
  | { readonly _tag: 'Answer'; readonly slot: number; readonly ref: AwaitableRef }

/** Drive `definition` from creation until it terminates, blocks or pauses. */
export const driveDefinition = <O = Record<string, unknown>>(
  definition: ProcessDefinition<any, any, O>,
  rawInputs?: unknown,
  script: DriveScript = {},
): DriveResult<O> => new Driver(definition, rawInputs, script).run()

class Driver {
  private snap: ProcessSnapshot
  private readonly api: MutableStepApi
  private readonly slot: LiveSlot = { live: undefined }
  private readonly traced: ProcessDefinition
  private readonly outline: Block | undefined
  private readonly actions: Action[] = []
  private readonly effects: Effect[] = []
  private draining = false
  private located: Located | undefined
  private originalError: unknown = undefined
  private resumesUsed = 0
  private readonly trace: TraceEntry[] = []
  private readonly requests: AwaitRequest[] = []
  private readonly requestOf = new Map<string, AwaitRequest>()
  private readonly blockedOn: AwaitRequest[] = []
  private readonly controls: ControlRequest[] = []
  private refCount = 0

  constructor(
    private readonly definition: ProcessDefinition,
    rawInputs: unknown,
    private readonly script: DriveScript,
  ) {
    const pid = script.pid ?? 'test-pid'
    const inputs = parseInputs(definition, rawInputs)
    const ctx = initialContext(definition.context(inputs))
    this.snap = createdSnapshot(pid, definition.body.initial, ctx)
    this.outline = (definition as { outline?: Block }).outline
    this.traced = { ...definition, body: this.tracedBody(definition.body) }
    this.api = new MutableStepApi(pid, definition.name, inputs, definition.spec.outputs, {
      pause: (message) => {
        this.controls.push({ _tag: 'pause', message })
        return accepted(this.dispatch(Events.pause(message)))
      },
      play: () => {
        this.controls.push({ _tag: 'play' })
        return accepted(this.dispatch(Events.play()))
      },
      kill: (message, options) => {
        const force = options?.force ?? false
        this.controls.push({ _tag: 'kill', message, force })
        return accepted(this.dispatch(Events.kill(message, force)))
      },
    })
  }

  run(): DriveResult<any> {
    this.perform(creationEffects())
    this.dispatch(Events.start())
    const max = this.script.maxSteps ?? 10_000
    for (;;) {
      const action = this.actions.shift()
      if (action !== undefined) {
        if (action._tag === 'Step') this.step(max)
        else this.answer(action.slot, action.ref)
        continue
      }
      const state = this.snap.state
      if (isTerminal(state)) return this.result('terminal')
      if (this.snap.paused) return this.result('paused')
      const resumes = this.script.resumes ?? []
      if (
        state._tag === 'WAITING' &&
        state.awaiting.length === 0 &&
        this.resumesUsed < resumes.length
      ) {
        this.dispatch(Events.resume(resumes[this.resumesUsed++]))
        continue
      }
      return this.result('blocked')
    }
  }

  private step(max: number): void {
    const s = this.snap
    if (s.state._tag !== 'RUNNING' || s.paused || s.stepping || s.closed) return
    if (this.trace.length >= max)
      throw new Error(
        `${this.definition.name} took more than ${max} steps; the last ones: ` +
          this.trace
            .slice(-5)
            .map((entry) => entry.cursor)
            .join(', '),
      )
    const position = s.state.position
    this.located = undefined
    this.dispatch(Events.stepStarted())
    const execution = executeStep(this.traced, this.snap, this.api, this.slot)
    const located = this.located as Located | undefined
    const cursor = this.describePlace(located?._tag === 'Step' ? located.at : position)
    if (execution._tag === 'Failed') return this.failed(s.ctx, execution.error, cursor, located)
    let outcome: StepOutcome
    try {
      outcome = this.startAwaitables(execution.outcome)
    } catch (error) {
      return this.failed(s.ctx, error, cursor, located)
    }
    this.trace.push({
      step: execution.step,
      cursor,
      outcome: outcome._tag,
      ctx: execution.ctx,
      emitted: execution.emitted,
    })
    this.dispatch(
      Events.stepCompleted(outcome, execution.ctx, execution.outputs, execution.emitted),
    )
  }

  private failed(ctx: unknown, error: unknown, cursor: string, located: Located | undefined) {
    this.trace.push({
      step: located?._tag === 'Step' ? located.name : undefined,
      cursor,
      outcome: 'Failed',
      ctx,
      emitted: [],
    })
    this.originalError = error
    this.dispatch(Events.stepFailed(errorInfo(error)))
  }

  /** Awaitables become references, and requests to the script; launches check their inputs. */
  private startAwaitables(outcome: BodyOutcome): StepOutcome {
    if (outcome._tag !== 'Wait') return outcome
    const awaiting: Pending[] = outcome.entries.map((entry) => {
      const awaitable = entry.awaitable
      const n = ++this.refCount
      let ref: AwaitableRef
      let request: AwaitRequest
      if (awaitable._tag === 'Launch') {
        parseInputs(awaitable.definition, awaitable.inputs)
        ref = childRef(`${this.snap.pid}.child-${n}`)
        request = {
          key: entry.key,
          kind: 'launch',
          definition: awaitable.definition.name,
          inputs: awaitable.inputs,
          append: entry.append,
        }
      } else {
        ref = promiseRef(`${this.snap.pid}.${awaitable._tag.toLowerCase()}-${n}`)
        request = {
          key: entry.key,
          kind: awaitable._tag === 'Task' ? 'task' : 'promise',
          append: entry.append,
        }
      }
      this.requests.push(request)
      this.requestOf.set(refId(ref), request)
      return { key: entry.key, ref, append: entry.append, done: false }
    })
    return {
      _tag: 'Wait',
      position: outcome.position,
      message: outcome.message,
      data: outcome.data,
      awaiting,
    }
  }

  private answer(slot: number, ref: AwaitableRef): void {
    const state = this.snap.state
    if (state._tag !== 'WAITING' || state.awaiting[slot]?.done !== false) return
    const request = this.requestOf.get(refId(ref)) as AwaitRequest
    const value = this.script.answer === undefined ? unanswered : this.script.answer(request)
    if (value === unanswered) {
      this.blockedOn.push(request)
      return
    }
    if (value instanceof Error) {
      this.originalError = value
      this.dispatch(Events.awaitableFailed(slot, errorInfo(value)))
    } else {
      this.dispatch(Events.awaitableSettled(slot, value))
    }
  }

  /** Apply an event; its effects run after those already being performed. */
  private dispatch(event: ProcessEvent): readonly Effect[] {
    const [next, effects] = transition(this.snap, event)
    this.snap = next
    this.perform(effects)
    return effects
  }

  private perform(effects: readonly Effect[]): void {
    this.effects.push(...effects)
    if (this.draining) return
    this.draining = true
    try {
      for (let i = 0; i < this.effects.length; i++) this.performOne(this.effects[i] as Effect)
    } finally {
      this.effects.length = 0
      this.draining = false
    }
  }

  private performOne(effect: Effect): void {
    switch (effect._tag) {
      case 'Hook': {
        const hook = this.definition.hooks[effect.hook]
        if (hook === undefined) return
        try {
          hook(this.view(), ...effect.args)
        } catch (error) {
          this.originalError = error
          this.dispatch(Events.fail(errorInfo(error)))
        }
        return
      }
      case 'RunStep':
        this.actions.push({ _tag: 'Step' })
        return
      case 'Await':
        this.actions.push({ _tag: 'Answer', slot: effect.slot, ref: effect.ref })
        return
      case 'Terminate':
        this.slot.live = undefined
        this.dispatch(Events.close())
        return
      default:
        // Listener events, state changes, replies and logs concern a host; there is none here.
        return
    }
  }

  private view() {
    const s = this.snap
    return { pid: s.pid, state: s.state._tag, status: s.status, outputs: s.outputs, ctx: s.ctx }
  }

  /** The body, noting where each step was found (the cursor after predicates were evaluated). */
  private tracedBody(body: Body): Body {
    return {
      ...body,
      locate: (position, draft, api) => {
        const located = body.locate(position, draft, api)
        this.located = located
        return located
      },
    }
  }

  private describePlace(position: Position): string {
    if (position._tag === 'Step') return position.step
    return this.outline === undefined
      ? position.cursor.join('.')
      : Cursor.format(this.outline, position.cursor)
  }

  private result(stopped: Stopped): DriveResult<any> {
    const state = this.snap.state
    const error =
      state._tag === 'KILLED'
        ? new KilledError(state.message)
        : state._tag === 'EXCEPTED'
          ? this.originalError instanceof Error
            ? this.originalError
            : new ProcessError(state.error)
          : undefined
    return {
      trace: this.trace,
      snapshot: this.snap,
      state: state._tag,
      stopped,
      outputs: this.snap.outputs,
      result: state._tag === 'FINISHED' ? state.result : undefined,
      error,
      requests: this.requests,
      blockedOn: stopped === 'blocked' ? this.blockedOn : [],
      controls: this.controls,
    }
  }
}

const refId = (ref: AwaitableRef): string => (ref._tag === 'Child' ? ref.pid : ref.id)

/** A request from a step is accepted when it is answered true or deferred to the step's end. */
const accepted = (effects: readonly Effect[]): boolean =>
  effects.some((e) => (e._tag === 'Reply' && e.value) || e._tag === 'Defer')
