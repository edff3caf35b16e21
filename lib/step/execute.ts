/**
 * The step executor: runs the step at a RUNNING position on a fresh immer draft of the context,
 * answers the instant commands it yields, drives generator steps (replaying their journal when
 * they were interrupted inside), and returns what happened as data. It is pure apart from the
 * user's code it calls, and shared by every host: the runtime, the test drivers, your own loop.
 */
import type { Draft } from 'immer'
import type { Command } from '../commands/command.js'
import { isInstant } from '../commands/kinds.js'
import type { SuspendCommand } from '../commands/suspend.js'
import { isCommand } from '../commands/yieldable.js'
import type {
  BodyOutcome,
  LocatedStep,
  ProcessDefinition,
  StepGenerator,
} from '../process/definition.js'
import type { StepDeeds } from '../process/events.js'
import type { JournalEntry, Position } from '../process/position.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { closeContext, discardContext, openContext, snapshotContext } from './context.js'
import { drive, isGenerator, type Driven, type GeneratorRun } from './generator.js'
import { deliverAnswer } from './journal.js'
import { StepRecord } from './record.js'
import type { StepViews } from './views.js'

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
      /** The outputs emitted before the failure, which the process keeps. */
      readonly outputs: Readonly<Record<string, unknown>>
      readonly deeds: StepDeeds | undefined
      readonly step: string | undefined
    }

/**
 * A generator suspended inside its step, kept alive by the host so that going on needs no
 * replay. Only a cache: a missing or stale one is rebuilt from the journal.
 */
export interface LiveStep {
  readonly generator: StepGenerator
  readonly draft: Draft<any>
  readonly located: LocatedStep
  /** The context the step was entered with (what a replay starts from). */
  readonly entryCtx: unknown
  /** How many journal entries it had answered when it suspended. */
  readonly answered: number
  readonly suspendedOn: SuspendCommand
}

/** The host's slot for a live generator (one per process). */
export interface LiveSlot {
  live: LiveStep | undefined
}

/** What a step runs with. */
export interface StepContext {
  readonly definition: ProcessDefinition
  readonly snapshot: ProcessSnapshot
  readonly views: StepViews
  readonly slot: LiveSlot
}

/** Run the step the snapshot's RUNNING position names. */
export const executeStep = (input: StepContext): Execution => {
  const { definition, snapshot, views, slot } = input
  if (snapshot.state._tag !== 'RUNNING')
    return failed(new Error(`cannot run a step while ${snapshot.state._tag}`), snapshot, undefined)
  const position = snapshot.state.position
  const record = new StepRecord(snapshot.outputs, definition.spec.outputs)
  let draft: Draft<any> | undefined
  let step: string | undefined
  try {
    const live = takeLive(slot, position)
    if (live !== undefined) {
      draft = live.draft
      step = live.located.name
      return goOn(input, live, record)
    }
    draft = openContext(snapshot.ctx)
    const located = definition.body.locate(position, draft, views.at(NO_ARGS, snapshot.status))
    if (located._tag === 'Done') return completed(input, located.outcome, draft, record, undefined)
    step = located.name
    const returned = located.fn(draft, views.at(located.args, snapshot.status))
    if (isGenerator(returned)) return startGenerator(input, returned, located, draft, record)
    if (isCommand(returned) && isInstant(returned as Command)) {
      const forced = record.answer(returned as never)
      if (forced !== undefined) return forceKilled(input, draft, record, step, forced.message)
      return completed(input, definition.body.complete(located, undefined), draft, record, step)
    }
    return completed(input, definition.body.complete(located, returned), draft, record, step)
  } catch (error) {
    slot.live = undefined
    if (draft !== undefined) discardContext(draft)
    return failed(error, { outputs: record.outputs }, record.deeds(step), step)
  }
}

/**
 * The suspension a WAITING generator step waits on, rebuilding the live generator by replaying
 * its journal when the host has none (after a reload). Undefined when the process does not wait
 * inside a generator step, or when the replay fails (running the step will then report why).
 */
export const suspensionOf = (input: StepContext): SuspendCommand | undefined => {
  const { definition, snapshot, views, slot } = input
  const state = snapshot.state
  if (state._tag !== 'WAITING' || state.asked === undefined) return undefined
  const entries = state.position.journal?.entries ?? NO_ENTRIES
  const live = slot.live
  if (live !== undefined && live.answered === entries.length) return live.suspendedOn
  let draft: Draft<any> | undefined
  try {
    draft = openContext(snapshot.ctx)
    const located = definition.body.locate(
      state.position,
      draft,
      views.at(NO_ARGS, snapshot.status),
    )
    if (located._tag !== 'Step') return undefined
    const returned = located.fn(draft, views.at(located.args, snapshot.status))
    if (!isGenerator(returned)) return undefined
    const record = new StepRecord(snapshot.outputs, definition.spec.outputs)
    record.replaying = true
    const run = generatorRun(input, returned, draft, record, located.name, entries, 0)
    const driven = drive(run, returned.next())
    if (driven._tag !== 'Suspended') return undefined
    slot.live = liveStep(run, located, snapshot.ctx, driven.on)
    return driven.on
  } catch {
    if (draft !== undefined) discardContext(draft)
    return undefined
  }
}

const NO_ARGS: readonly unknown[] = Object.freeze([])
const NO_ENTRIES: readonly JournalEntry[] = Object.freeze([])

const takeLive = (slot: LiveSlot, position: Position): LiveStep | undefined => {
  const live = slot.live
  slot.live = undefined
  const length = position.journal?.entries.length
  return live !== undefined && length === live.answered + 1 ? live : undefined
}

const startGenerator = (
  input: StepContext,
  generator: StepGenerator,
  located: LocatedStep,
  draft: Draft<any>,
  record: StepRecord,
): Execution => {
  const position = (input.snapshot.state as { position: Position }).position
  // The generator's body has not run yet: this is the context the step was entered with (after
  // any predicates), the one a replay starts from.
  const entryCtx = position.journal === undefined ? snapshotContext(draft) : input.snapshot.ctx
  const journal = position.journal?.entries ?? NO_ENTRIES
  record.replaying = journal.length > 0
  const run = generatorRun(input, generator, draft, record, located.name, journal, 0)
  return settle(input, run, located, entryCtx, drive(run, generator.next()))
}

/** Go on with a live generator: its last suspension has just been answered. */
const goOn = (input: StepContext, live: LiveStep, record: StepRecord): Execution => {
  const position = (input.snapshot.state as { position: Position }).position
  const journal = position.journal?.entries ?? NO_ENTRIES
  const answer = deliverAnswer(live.suspendedOn, live.draft, journal[live.answered]?.answer)
  const run = generatorRun(
    input,
    live.generator,
    live.draft,
    record,
    live.located.name,
    journal,
    live.answered + 1,
  )
  return settle(input, run, live.located, live.entryCtx, drive(run, live.generator.next(answer)))
}

const generatorRun = (
  input: StepContext,
  generator: StepGenerator,
  draft: Draft<any>,
  record: StepRecord,
  step: string,
  journal: readonly JournalEntry[],
  index: number,
): GeneratorRun => ({ generator, draft, record, journal, index, pid: input.snapshot.pid, step })

const liveStep = (
  run: GeneratorRun,
  located: LocatedStep,
  entryCtx: unknown,
  on: SuspendCommand,
): LiveStep => ({
  generator: run.generator,
  draft: run.draft,
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
  const { record, draft } = run
  switch (driven._tag) {
    case 'Returned': {
      const outcome = input.definition.body.complete(located, driven.value)
      return completed(input, outcome, draft, record, located.name)
    }
    case 'ForceKilled':
      return forceKilled(input, draft, record, located.name, driven.message)
    case 'Suspended': {
      // Suspended inside the step: the snapshot keeps the context the step was entered with, and
      // the position names the step with its journal so far. The live generator is a cache.
      input.slot.live = liveStep(run, located, entryCtx, driven.on)
      const on = driven.on
      const outcome: BodyOutcome = {
        _tag: 'Wait',
        position: { ...located.at, journal: { entries: run.journal } },
        message: on._tag === 'WaitForResume' ? on.message : undefined,
        data: undefined,
        entries: on._tag === 'ToContext' ? on.entries : [],
        asked: driven.asked,
      }
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

const completed = (
  input: StepContext,
  outcome: BodyOutcome,
  draft: Draft<any>,
  record: StepRecord,
  step: string | undefined,
): Execution => ({
  _tag: 'Completed',
  outcome: checkFinalOutputs(input.definition, outcome, record.outputs),
  ctx: closeContext(draft),
  outputs: record.outputs,
  deeds: record.deeds(step),
  step,
})

/** Killed by force from inside: nothing the step did is kept but its log lines. */
const forceKilled = (
  input: StepContext,
  draft: Draft<any>,
  record: StepRecord,
  step: string,
  message: string | undefined,
): Execution => {
  discardContext(draft)
  input.slot.live = undefined
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
): Execution => ({ _tag: 'Failed', error, outputs: at.outputs, deeds, step })

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
