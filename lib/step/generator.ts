/**
 * Driving a generator step: answering what it yields until it ends, suspends, or is killed by
 * force. Suspensions that its journal has already answered are answered again from it (a
 * replay), each checked against what the journal recorded.
 */
import type { Command } from '../commands/command.js'
import { isFlow, isInstant } from '../commands/kinds.js'
import type { SuspendCommand } from '../commands/suspend.js'
import { isCommand } from '../commands/yieldable.js'
import type { StepGenerator } from '../process/definition.js'
import type { JournalEntry } from '../process/position.js'
import { NondeterminismError, NotACommandError } from './errors.js'
import type { StepContextDraft } from './context.js'
import { askedKey, deliverAnswer } from './journal.js'
import type { StepRecord } from './record.js'

/** A generator being driven, and where it is in its journal. */
export interface GeneratorRun {
  readonly generator: StepGenerator
  readonly context: StepContextDraft
  readonly record: StepRecord
  readonly journal: readonly JournalEntry[]
  /** The next journal entry to answer from. */
  index: number
  readonly pid: string
  readonly step: string
  /**
   * Answers given in order without checking what each suspension asks for (tests that script
   * the answers); a replay from a real journal is always checked.
   */
  readonly unchecked?: boolean
  /** When set, every command the generator yields is appended here (tests). */
  readonly seen?: Command[]
}

/** How driving a generator ended. */
export type Driven =
  /** It returned `value`, or yielded a command that ends the step (then `value` is that). */
  | { readonly _tag: 'Returned'; readonly value: unknown }
  /** It suspended on a new question, `asked` being its journal key. */
  | { readonly _tag: 'Suspended'; readonly on: SuspendCommand; readonly asked: string }
  /** It asked for a kill by force: it was closed there. */
  | { readonly _tag: 'ForceKilled'; readonly message: string | undefined }

/** Drive `run` from `next` (the result of its latest `next()` call). */
export const drive = (run: GeneratorRun, first: IteratorResult<Command, unknown>): Driven => {
  const { generator, record, journal } = run
  let next = first
  for (;;) {
    if (next.done === true) {
      if (run.index < journal.length) throw diverged(run, 'the end of the step')
      return { _tag: 'Returned', value: next.value }
    }
    const yielded: unknown = next.value
    if (!isCommand(yielded)) {
      generator.return(undefined)
      throw new NotACommandError(run.step, show(yielded))
    }
    const command = yielded as Command
    run.seen?.push(command)
    if (isInstant(command)) {
      const forced = record.answer(command)
      if (forced !== undefined) {
        generator.return(undefined)
        return { _tag: 'ForceKilled', message: forced.message }
      }
      next = generator.next()
      continue
    }
    if (isFlow(command)) {
      if (run.index < journal.length) throw diverged(run, command._tag)
      generator.return(undefined)
      return { _tag: 'Returned', value: command }
    }
    const asked = askedKey(command)
    const entry = journal[run.index]
    if (entry === undefined) {
      record.replaying = false
      return { _tag: 'Suspended', on: command, asked }
    }
    if (entry.asked !== asked && run.unchecked !== true) throw diverged(run, asked)
    const answer = deliverAnswer(command, run.context, entry.answer)
    run.index += 1
    record.replaying = run.index < journal.length
    next = generator.next(answer)
  }
}

const diverged = (run: GeneratorRun, yielded: string): NondeterminismError =>
  new NondeterminismError({
    pid: run.pid,
    step: run.step,
    entry: run.index,
    recorded: run.journal[run.index]?.asked ?? 'nothing more',
    yielded,
  })

const show = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** True for a generator object (what calling a generator step returns). */
export const isGenerator = (value: unknown): value is StepGenerator =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as StepGenerator).next === 'function' &&
  typeof (value as StepGenerator).throw === 'function' &&
  typeof (value as StepGenerator)[Symbol.iterator] === 'function'
