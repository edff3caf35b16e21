/**
 * The step executor: runs the step at a RUNNING position on a fresh immer draft of the context,
 * drives generator steps (replaying their journal when they were interrupted inside), and returns
 * what happened as data. It is shared by the runtime and by the pure testing helpers; it never
 * touches the snapshot itself.
 */
import type { Draft } from 'immer'
import { closeContext, discardContext, openContext, snapshotContext } from './context.js'
import { isCommand, type ToContextEntry, type Wait } from './commands.js'
import type { BodyOutcome, LocatedStep, ProcessDefinition, StepGenerator } from './definition.js'
import type { EmittedOutput } from './events.js'
import type { Position } from './position.js'
import type { ProcessSnapshot } from './snapshot.js'
import type { MutableStepApi, StepRecord } from './step-api.js'

/** What running one step gave. `ctx` and `outputs` are the new frozen values. */
export type Execution =
  | {
      readonly _tag: 'Completed'
      /** The step that ran (undefined when the outline ended without one). */
      readonly step: string | undefined
      readonly outcome: BodyOutcome
      readonly ctx: unknown
      readonly outputs: Readonly<Record<string, unknown>>
      readonly emitted: readonly EmittedOutput[]
      /** Checkpoints the step asked for (by tag), to take after its transition. */
      readonly checkpoints: readonly (string | undefined)[]
    }
  | { readonly _tag: 'Failed'; readonly error: unknown }

/**
 * A generator suspended inside its step, kept alive by the host so that resuming does not need a
 * replay. Only a cache: a missing or stale one is rebuilt from the journal.
 */
export interface LiveStep {
  readonly generator: StepGenerator
  readonly draft: Draft<any>
  readonly located: LocatedStep
  readonly journalLength: number
  readonly suspendedOn: ToContextEntry[] | 'resume'
}

/** The host's slot for a live generator (one per process). */
export interface LiveSlot {
  live: LiveStep | undefined
}

/** Run the step the snapshot's RUNNING position names. */
export const executeStep = (
  definition: ProcessDefinition,
  snapshot: ProcessSnapshot,
  api: MutableStepApi,
  slot: LiveSlot,
): Execution => {
  if (snapshot.state._tag !== 'RUNNING')
    return { _tag: 'Failed', error: new Error(`cannot run a step while ${snapshot.state._tag}`) }
  const position = snapshot.state.position
  const record: StepRecord = {
    outputs: snapshot.outputs,
    emitted: [],
    entries: [],
    checkpoints: [],
    replaying: false,
  }
  api.record = record
  api.state = 'RUNNING'
  api.status = snapshot.status
  let draft: Draft<any> | undefined
  try {
    const live = takeLive(slot, position)
    if (live !== undefined) {
      draft = live.draft
      const journal = position.journal?.results ?? []
      feed(live.draft, live.suspendedOn, journal[journal.length - 1])
      const driven = drive(live.generator, live.draft, api, record, journal, journal.length)
      const step = { generator: live.generator, located: live.located, entryCtx: snapshot.ctx }
      return settle(definition, step, draft, record, driven, slot, journal)
    }
    draft = openContext(snapshot.ctx)
    const located = definition.body.locate(position, draft, api)
    if (located._tag === 'Done')
      return completed(definition, undefined, located.outcome, draft, snapshot.ctx, record)
    api.args = located.args
    const returned = located.fn(draft, api)
    if (!isGenerator(returned)) {
      const outcome = definition.body.complete(located, returned, record.entries)
      return completed(definition, located.name, outcome, draft, snapshot.ctx, record)
    }
    // The generator's body has not run yet: this is the context the step was entered with (after
    // any predicates), the one a replay starts from.
    const entryCtx = position.journal === undefined ? snapshotContext(draft) : snapshot.ctx
    const journal = position.journal?.results ?? []
    const driven = drive(returned, draft, api, record, journal, 0)
    const step = { generator: returned, located, entryCtx }
    return settle(definition, step, draft, record, driven, slot, journal)
  } catch (error) {
    slot.live = undefined
    if (draft !== undefined) discardContext(draft)
    return { _tag: 'Failed', error }
  } finally {
    api.record = undefined
  }
}

const takeLive = (slot: LiveSlot, position: Position): LiveStep | undefined => {
  const live = slot.live
  slot.live = undefined
  const length = position.journal?.results.length
  return live !== undefined && length === live.journalLength + 1 ? live : undefined
}

/** A generator either finished its step, or suspended waiting for awaitables or a resume. */
type Driven =
  | { readonly _tag: 'Returned'; readonly value: unknown }
  | { readonly _tag: 'Suspended'; readonly on: ToContextEntry[] | Wait }

/**
 * Step a generator to its end or its next new suspension. The first `journal.length - from`
 * suspensions are answered from the journal: that is the replay.
 */
const drive = (
  generator: StepGenerator,
  draft: Draft<any>,
  api: MutableStepApi,
  record: StepRecord,
  journal: readonly unknown[],
  from: number,
): Driven => {
  let index = from
  record.replaying = index < journal.length
  let next = index === 0 ? generator.next() : generator.next(lastAnswer(journal, index - 1))
  for (;;) {
    if (next.done === true) return { _tag: 'Returned', value: next.value }
    const yielded: unknown = next.value
    if (isOut(yielded)) {
      api.out(yielded.port, yielded.value)
      next = generator.next()
      continue
    }
    if (!isCommand(yielded))
      throw new Error(`a generator step yielded ${describe(yielded)}: yield commands only`)
    const suspension =
      yielded._tag === 'ToContext'
        ? [...yielded.entries]
        : yielded._tag === 'Wait' && yielded.step === undefined
          ? yielded
          : undefined
    if (suspension === undefined) {
      generator.return(undefined)
      return { _tag: 'Returned', value: yielded }
    }
    if (index >= journal.length) {
      record.replaying = false
      return { _tag: 'Suspended', on: suspension }
    }
    const answer = journal[index]
    feed(draft, Array.isArray(suspension) ? suspension : 'resume', answer)
    index += 1
    record.replaying = index < journal.length
    next = generator.next(answer)
  }
}

const lastAnswer = (journal: readonly unknown[], index: number): unknown => journal[index]

/** Awaited results land in the context under their keys, as they do for plain steps. */
const feed = (draft: Draft<any>, on: ToContextEntry[] | 'resume', answer: unknown): void => {
  if (on === 'resume') return
  const results = (answer ?? {}) as Record<string, unknown>
  const ctx = draft as Record<string, unknown>
  for (const key of new Set(on.map((entry) => entry.key))) {
    const appended = on.some((entry) => entry.key === key && entry.append)
    const value = results[key]
    if (appended) {
      const list = Array.isArray(ctx[key]) ? (ctx[key] as unknown[]) : []
      ctx[key] = [...list, ...(Array.isArray(value) ? value : [value])]
    } else {
      ctx[key] = value
    }
  }
}

/** A generator step being driven: what it is, and the context it was entered with. */
interface GeneratorStep {
  readonly generator: StepGenerator
  readonly located: LocatedStep
  readonly entryCtx: unknown
}

const settle = (
  definition: ProcessDefinition,
  step: GeneratorStep,
  draft: Draft<any>,
  record: StepRecord,
  driven: Driven,
  slot: LiveSlot,
  journal: readonly unknown[],
): Execution => {
  if (driven._tag === 'Returned') {
    const outcome = definition.body.complete(step.located, driven.value, record.entries)
    return completed(definition, step.located.name, outcome, draft, step.entryCtx, record)
  }
  // Suspended inside the step: the snapshot keeps the context the step was entered with, and the
  // position names the step with its journal so far. The live generator is kept as a cache.
  const position: Position = { ...step.located.at, journal: { results: journal } }
  const on = driven.on
  slot.live = {
    generator: step.generator,
    draft,
    located: step.located,
    journalLength: journal.length,
    suspendedOn: Array.isArray(on) ? on : 'resume',
  }
  const outcome: BodyOutcome = Array.isArray(on)
    ? { _tag: 'Wait', position, message: undefined, data: undefined, entries: on }
    : { _tag: 'Wait', position, message: on.message, data: on.data, entries: [] }
  return {
    _tag: 'Completed',
    step: step.located.name,
    outcome,
    ctx: step.entryCtx,
    outputs: record.outputs,
    emitted: record.emitted,
    checkpoints: record.checkpoints,
  }
}

const completed = (
  definition: ProcessDefinition,
  step: string | undefined,
  outcome: BodyOutcome,
  draft: Draft<any>,
  base: unknown,
  record: StepRecord,
): Execution => {
  // Only what the step changed is frozen anew; the rest came from a frozen snapshot already.
  const ctx = closeContext(draft, base)
  return {
    _tag: 'Completed',
    step,
    outcome: checkFinalOutputs(definition, outcome, record.outputs),
    ctx,
    outputs: record.outputs,
    emitted: record.emitted,
    checkpoints: record.checkpoints,
  }
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

const isGenerator = (value: unknown): value is StepGenerator =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StepGenerator).next === 'function' &&
  typeof (value as StepGenerator).throw === 'function' &&
  typeof (value as StepGenerator)[Symbol.iterator] === 'function'

const isOut = (value: unknown): value is { _tag: 'Out'; port: string; value: unknown } =>
  (value as { _tag?: unknown } | null)?._tag === 'Out'

const describe = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
