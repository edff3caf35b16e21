/**
 * The body of a work chain: positions are outline cursors. Finding the step at a cursor evaluates
 * the predicates on the way, on the same context draft as the step, so a predicate may change the
 * context too; after a step the cursor advances, and the chain finishes in the same step call when
 * nothing but the end (or a `return_`) follows.
 */
import type { Command } from '../commands/command.js'
import { isFlow } from '../commands/kinds.js'
import { withTimeouts, type ToContextEntry } from '../commands/suspend.js'
import { isCommand } from '../commands/yieldable.js'
import type {
  Body,
  BodyOutcome,
  ContextSource,
  LocatedStep,
  StepFn,
} from '../process/definition.js'
import { terminalOutcome, waitAt } from '../process/outcomes.js'
import {
  NO_ARGS,
  outlinePosition,
  type OutlinePosition,
  type Position,
} from '../process/position.js'
import type { StepView } from '../process/view.js'
import { Cursor } from './cursor.js'
import { describeOutline, structureOf } from './describe.js'
import type { Block } from './outline.js'
import { END, placesOf, walk, type Place, type ReturnHit } from './places.js'

/** Exit codes a `return_(code)` may name, by label. */
export type ExitCodeTable = Readonly<
  Record<string, { readonly status: number; readonly message: string }>
>

/** Build the body of a work chain. */
export const workChainBody = (
  name: string,
  steps: Readonly<Record<string, StepFn>>,
  outline: Block,
  exitCodes: ExitCodeTable,
): Body => {
  const step = (stepName: string): StepFn => steps[stepName] as StepFn
  const root = placesOf(outline)

  const finish = (hit: ReturnHit | typeof END): BodyOutcome =>
    returnOutcome(hit._tag === 'End' ? undefined : hit.exitCode, exitCodes)

  /** The end of the outline (a chain waits there before it finishes). */
  const end = root.child(outline.length)

  /** The place after the step at `place` (null: the outline ends there). */
  const nextOf = (place: Place): Place | null => {
    if (place.next === undefined) {
      const after = Cursor.after(outline, place.cursor)
      place.next = after === undefined ? null : root.at(after)
    }
    return place.next
  }

  const next = (located: LocatedStep, entries: readonly ToContextEntry[]): BodyOutcome => {
    const after = nextOf(root.at((located.at as OutlinePosition).cursor))
    if (entries.length > 0) return waitAt((after ?? end).position, entries)
    if (after === null) return finish(END)
    return continueAt(after)
  }

  return {
    initial: root.child(0).position,
    structure: structureOf(outline),
    describe: () => describeOutline(outline),
    checkPosition(position: Position) {
      if (position._tag !== 'Outline')
        return `${name} is a work chain: it runs at outline positions`
      return Cursor.check(outline, position.cursor, position.journal !== undefined)
    },
    locate(position: Position, context: ContextSource, view: StepView) {
      if (position._tag !== 'Outline')
        throw new Error(`${name} is a work chain: it runs at outline positions`)
      if (position.journal !== undefined) {
        // A generator step suspended inside itself: the cursor names the step; no predicate runs.
        const resolved = walk(outline, { cursor: position.cursor, evaluate: noPredicate(name) })
        if (resolved._tag !== 'Step') throw new Error(`${name}: no step at the journal position`)
        return located(resolved.name, position.cursor)
      }
      const hit = walk(outline, new Predicates(name, steps, position.cursor, context, view))
      switch (hit._tag) {
        case 'Step':
          return (hit.place.located ??= located(hit.name, hit.place.cursor, hit.place.position))
        case 'Skip':
          // The predicates chose no step: this call ends, the next goes on from there.
          return { _tag: 'Done', outcome: continueAt(hit.place) }
        default:
          return { _tag: 'Done', outcome: finish(hit) }
      }
    },
    complete(located: LocatedStep, returned: unknown) {
      if (returned === undefined) return next(located, NO_ENTRIES)
      if (!isCommand(returned))
        throw new Error(
          `${name}.${located.name} returned ${show(returned)}: a work chain step returns nothing or a command`,
        )
      const command = returned as Command
      if (command._tag === 'ToContext') return next(located, withTimeouts(command.entries))
      const terminal = isFlow(command) ? terminalOutcome(command) : undefined
      if (terminal !== undefined) return terminal
      throw new Error(
        `${name}.${located.name} ended with ${command._tag}: the outline decides what runs next`,
      )
    },
  }

  function located(
    stepName: string,
    cursor: readonly number[],
    at: Position = outlinePosition(cursor),
  ): LocatedStep {
    return { _tag: 'Step', name: stepName, fn: step(stepName), at, args: NO_ARGS }
  }
}

/** Go on at `place`: one outcome per place, shared by every step that goes on there. */
const continueAt = (place: Place): BodyOutcome =>
  (place.continued ??= { _tag: 'Continue', position: place.position })

/** The predicates of one step call, evaluated on its context draft, with its view. */
class Predicates {
  constructor(
    private readonly chain: string,
    private readonly steps: Readonly<Record<string, StepFn>>,
    readonly cursor: readonly number[],
    private readonly context: ContextSource,
    private readonly view: StepView,
  ) {}

  /**
   * A predicate's answer. `undefined` and `null` count as false; any other value that is not a
   * boolean counts as what JavaScript makes of it, with a warning (plumpy warns too): a predicate
   * returning `'false'` is most likely a bug.
   */
  evaluate(name: string): boolean {
    const predicate = this.steps[name] as StepFn
    const answer = predicate(this.context.for(predicate), this.view)
    if (typeof answer === 'boolean') return answer
    if (answer !== undefined && answer !== null)
      this.context.warn(
        `${this.chain}: predicate '${name}' returned ${show(answer)}, not a boolean; it counts as ${String(Boolean(answer))}`,
      )
    return Boolean(answer)
  }
}

/** A walk from a journal position names a step: it evaluates no predicate. */
const noPredicate = (chain: string) => (): boolean => {
  throw new Error(`${chain}: a journal position must name a step`)
}

const NO_ENTRIES: readonly ToContextEntry[] = Object.freeze([])

const returnOutcome = (
  exitCode: number | string | undefined,
  table: ExitCodeTable,
): BodyOutcome => {
  if (exitCode === undefined)
    return {
      _tag: 'Stop',
      result: undefined,
      successful: true,
      exitStatus: 0,
      exitMessage: undefined,
    }
  const declared =
    typeof exitCode === 'string'
      ? table[exitCode]
      : Object.values(table).find((code) => code.status === exitCode)
  if (typeof exitCode === 'string' && declared === undefined)
    throw new Error(`return_('${exitCode}'): no exit code with that label in the spec`)
  const status = typeof exitCode === 'number' ? exitCode : (declared?.status ?? 1)
  return {
    _tag: 'Stop',
    result: undefined,
    successful: status === 0,
    exitStatus: status,
    exitMessage: declared?.message,
  }
}

const show = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
