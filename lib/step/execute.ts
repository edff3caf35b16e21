/**
 * The step executor: runs the step at a RUNNING position on an immer draft of the context (see
 * `context.ts`), answers the instant commands it yields, drives generator steps (replaying their
 * journal when they were interrupted inside), and returns what happened as data. It is pure apart
 * from the user's code it calls, and shared by every host: the runtime, the test drivers, your
 * own loop.
 */
import type { Command } from '../commands/command.js'
import { isInstant } from '../commands/kinds.js'
import { waitShape, type SuspendCommand } from '../commands/suspend.js'
import { isCommand } from '../commands/yieldable.js'
import type {
  BodyOutcome,
  LocatedStep,
  ProcessDefinition,
  StepGenerator,
} from '../process/definition.js'
import type { StepDeeds } from '../process/events.js'
import { NO_ARGS, withJournal, type JournalEntry, type Position } from '../process/position.js'
import { ProcessError, type ErrorInfo } from '../process/errors.js'
import type { RetryState } from '../process/retry-state.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { StepContextDraft } from './context.js'
import { drive, isGenerator, type Driven, type GeneratorRun } from './generator.js'
import { deliverAnswer } from './journal.js'
import { takeLive, type LiveSlot, type LiveStep } from './live.js'
import { StepRecord } from './record.js'
import type { StepViews } from './views.js'
import { guardWait, judgeAttempt, type JudgedAttempt } from './guard.js'
import { withDeclaredSignals } from './declared-signals.js'
import { checkResumedArguments } from './resumed-arguments.js'

export type { LiveSlot, LiveStep } from './live.js'
export type { JudgedAttempt } from './guard.js'

/** What running one step gave. `ctx` and `outputs` are the new frozen values. */
export type Execution =
  | {
      readonly _tag: 'Completed'
      readonly outcome: BodyOutcome
      readonly ctx: unknown
      readonly outputs: Readonly<Record<string, unknown>>
      readonly deeds: StepDeeds | undefined
      /** The step that ran (undefined when a work chain's outline ended without one). */
      readonly step: string | undefined
    }
  | {
      readonly _tag: 'Failed'
      readonly error: unknown
      /** The outputs emitted before the failure, which the process keeps (undefined: none). */
      readonly outputs: Readonly<Record<string, unknown>> | undefined
      readonly deeds: StepDeeds | undefined
      readonly step: string | undefined
      /** The step declared a retry policy: the attempt that failed and what follows. */
      readonly attempt?: JudgedAttempt
    }

/**
 * What a step runs with: the definition, the snapshot at the step's RUNNING position, the views
 * its steps receive, and the slot where a suspended generator is kept (a host's process handle
 * is all of these).
 */
export interface StepContext extends LiveSlot {
  readonly definition: ProcessDefinition
  readonly snapshot: ProcessSnapshot
  readonly views: StepViews
}

const NO_ENTRIES: readonly JournalEntry[] = Object.freeze([])

/** Run the step the snapshot's RUNNING position names. */
export const executeStep = (input: StepContext): Execution => {
  const { definition, snapshot, views } = input
  if (snapshot.state._tag !== 'RUNNING')
    return failed(new Error(`cannot run a step while ${snapshot.state._tag}`), snapshot, undefined)
  const position = snapshot.state.position
  if (snapshot.retry?.failed !== undefined) {
    // What the attempt awaited failed: report it as the attempt's failure, running nothing.
    input.live = undefined
    return failedAwaiting(input, snapshot.retry, snapshot.retry.failed)
  }
  // Made when the step yields or returns a command: most plain steps need none.
  let record: StepRecord | undefined
  let context: StepContextDraft | undefined
  let step: string | undefined
  let located: LocatedStep | undefined
  try {
    const live = takeLive(input, position)
    if (live !== undefined) {
      context = live.context
      step = live.located.name
      located = live.located
      record = newRecord(input)
      return goOn(input, live, record)
    }
    context = new StepContextDraft(snapshot.ctx)
    const found = definition.body.locate(position, context, views.at(NO_ARGS, snapshot.status))
    if (context.warnings !== undefined) (record = newRecord(input)).warn(context.warnings)
    if (found._tag === 'Done') return completed(input, found.outcome, context, record, undefined)
    located = found
    step = located.name
    checkResumedArguments(definition, snapshot, located)
    const returned = located.fn(context.for(located.fn), views.at(located.args, snapshot.status))
    if (isGenerator(returned)) {
      record ??= newRecord(input)
      return startGenerator(input, { generator: returned, located, context, record })
    }
    if (isCommand(returned) && isInstant(returned as Command)) {
      record ??= newRecord(input)
      const forced = record.answer(returned as never)
      if (forced !== undefined) return forceKilled(input, context, record, step, forced.message)
      const outcome = judged(input, located, definition.body.complete(located, undefined))
      return completed(input, outcome, context, record, step)
    }
    const outcome = judged(input, located, definition.body.complete(located, returned))
    return completed(input, outcome, context, record, step)
  } catch (error) {
    input.live = undefined
    context?.discard()
    const attempt = located === undefined ? undefined : judgeAttempt(snapshot, located, error)
    return failed(error, record ?? snapshot, record?.deeds(step), step, attempt)
  }
}

/**
 * The suspension a WAITING generator step waits on, rebuilding the live generator by replaying
 * its journal when the host has none (after a reload). Undefined when the process does not wait
 * inside a generator step, or when the replay fails (running the step will then report why).
 */
export const suspensionOf = (input: StepContext): SuspendCommand | undefined => {
  const { definition, snapshot, views } = input
  const state = snapshot.state
  if (state._tag !== 'WAITING' || state.asked === undefined) return undefined
  const entries = state.position.journal?.entries ?? NO_ENTRIES
  const live = input.live
  if (live !== undefined && live.answered === entries.length) return live.suspendedOn
  const context = new StepContextDraft(snapshot.ctx)
  try {
    const located = definition.body.locate(
      state.position,
      context,
      views.at(NO_ARGS, snapshot.status),
    )
    if (located._tag !== 'Step') return undefined
    const returned = located.fn(context.for(located.fn), views.at(located.args, snapshot.status))
    if (!isGenerator(returned)) return undefined
    const record = newRecord(input)
    record.replaying = true
    const run = generatorRun(input, { generator: returned, located, context, record }, entries, 0)
    const driven = drive(run, returned.next())
    if (driven._tag !== 'Suspended') return undefined
    input.live = liveStep(run, located, snapshot.ctx, driven.on)
    return driven.on
  } catch {
    context.discard()
    return undefined
  }
}

/** A generator step and what it runs with. */
interface GeneratorStep {
  readonly generator: StepGenerator
  readonly located: LocatedStep
  readonly context: StepContextDraft
  readonly record: StepRecord
}

const newRecord = (input: StepContext): StepRecord =>
  new StepRecord(input.snapshot.outputs, input.definition.spec.outputs)

const positionOf = (input: StepContext): Position =>
  (input.snapshot.state as { readonly position: Position }).position

const startGenerator = (input: StepContext, step: GeneratorStep): Execution => {
  const position = positionOf(input)
  // The generator's body has not run yet: this is the context the step was entered with (after
  // any predicates), the one a replay starts from.
  const entryCtx = position.journal === undefined ? step.context.snapshot() : input.snapshot.ctx
  const journal = position.journal?.entries ?? NO_ENTRIES
  step.record.replaying = journal.length > 0
  const run = generatorRun(input, step, journal, 0)
  return settle(input, run, step.located, entryCtx, drive(run, step.generator.next()))
}

/** Go on with a live generator: its last suspension has just been answered. */
const goOn = (input: StepContext, live: LiveStep, record: StepRecord): Execution => {
  const journal = positionOf(input).journal?.entries ?? NO_ENTRIES
  const answer = deliverAnswer(live.suspendedOn, live.context, journal[live.answered]?.answer)
  const step = { ...live, record }
  const run = generatorRun(input, step, journal, live.answered + 1)
  return settle(input, run, live.located, live.entryCtx, drive(run, live.generator.next(answer)))
}

const generatorRun = (
  input: StepContext,
  step: GeneratorStep,
  journal: readonly JournalEntry[],
  index: number,
): GeneratorRun => ({
  generator: step.generator,
  context: step.context,
  record: step.record,
  journal,
  index,
  pid: input.snapshot.pid,
  step: step.located.name,
})

const liveStep = (
  run: GeneratorRun,
  located: LocatedStep,
  entryCtx: unknown,
  on: SuspendCommand,
): LiveStep => ({
  generator: run.generator,
  context: run.context,
  located,
  entryCtx,
  answered: run.journal.length,
  suspendedOn: on,
})

const settle = (
  input: StepContext,
  run: GeneratorRun,
  located: LocatedStep,
  entryCtx: unknown,
  driven: Driven,
): Execution => {
  const { record, context } = run
  switch (driven._tag) {
    case 'Returned': {
      const outcome = judged(input, located, input.definition.body.complete(located, driven.value))
      return completed(input, outcome, context, record, located.name)
    }
    case 'ForceKilled':
      return forceKilled(input, context, record, located.name, driven.message)
    case 'Suspended': {
      // Suspended inside the step: the snapshot keeps the context the step was entered with, and
      // the position names the step with its journal so far. The live generator is a cache.
      input.live = liveStep(run, located, entryCtx, driven.on)
      const on = driven.on
      const shape = waitShape(on)
      const outcome = judged(input, located, {
        _tag: 'Wait',
        position: withJournal(located.at, run.journal),
        message: on._tag === 'WaitForResume' ? on.message : undefined,
        data: undefined,
        entries: shape.entries,
        ...(shape.race ? { race: true as const } : {}),
        asked: driven.asked,
      })
      return {
        _tag: 'Completed',
        outcome,
        ctx: entryCtx,
        outputs: record.outputs,
        deeds: record.deeds(located.name),
        step: located.name,
      }
    }
  }
}

/**
 * A step's outcome once checked: a wait only for signals the spec declares (when it declares
 * any), and a failed wait judged by the step's retry policy.
 */
const judged = (input: StepContext, located: LocatedStep, outcome: BodyOutcome): BodyOutcome =>
  guardWait(input.snapshot, located, withDeclaredSignals(input.definition, outcome))

const completed = (
  input: StepContext,
  outcome: BodyOutcome,
  context: StepContextDraft,
  record: StepRecord | undefined,
  step: string | undefined,
): Execution => {
  const outputs = record === undefined ? input.snapshot.outputs : record.outputs
  return {
    _tag: 'Completed',
    outcome: checkFinalOutputs(input.definition, outcome, outputs),
    ctx: context.close(),
    outputs,
    deeds: record?.deeds(step),
    step,
  }
}

/** Killed by force from inside: nothing the step did is kept but its log lines. */
const forceKilled = (
  input: StepContext,
  context: StepContextDraft,
  record: StepRecord,
  step: string,
  message: string | undefined,
): Execution => {
  context.discard()
  input.live = undefined
  return {
    _tag: 'Completed',
    outcome: { _tag: 'Kill', message },
    ctx: input.snapshot.ctx,
    outputs: input.snapshot.outputs,
    deeds: record.forcedDeeds(step),
    step,
  }
}

const failed = (
  error: unknown,
  at: { readonly outputs: Readonly<Record<string, unknown>> },
  deeds: StepDeeds | undefined,
  step?: string,
  attempt?: JudgedAttempt,
): Execution =>
  attempt === undefined
    ? { _tag: 'Failed', error, outputs: at.outputs, deeds, step }
    : { _tag: 'Failed', error, outputs: at.outputs, deeds, step, attempt }

/**
 * What a guarded step awaited failed or timed out: the attempt fails with that error, judged by
 * the step's policy, and the step's body does not run.
 */
const failedAwaiting = (input: StepContext, retry: RetryState, info: ErrorInfo): Execution => {
  const { definition, snapshot, views } = input
  const context = new StepContextDraft(snapshot.ctx)
  const found = definition.body.locate(retry.at, context, views.at(NO_ARGS, snapshot.status))
  context.discard()
  const error = new ProcessError(info)
  const attempt = found._tag === 'Step' ? judgeAttempt(snapshot, found, error) : undefined
  return failed(error, snapshot, undefined, retry.step, attempt)
}

/** A successful finish checks the outputs against the spec; missing ones make it unsuccessful. */
const checkFinalOutputs = (
  definition: ProcessDefinition,
  outcome: BodyOutcome,
  outputs: Readonly<Record<string, unknown>>,
): BodyOutcome => {
  if (outcome._tag !== 'Stop' || !outcome.successful) return outcome
  const checked = definition.spec.outputs.validate(outputs)
  if (checked._tag === 'Right') return outcome
  const reasons = checked.left.map((e) => `${e.path}: ${e.message}`).join('; ')
  return { ...outcome, successful: false, exitMessage: `invalid outputs: ${reasons}` }
}
