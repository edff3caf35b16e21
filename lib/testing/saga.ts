/**
 * Stepping a generator step by hand, as a saga is tested: call the step with `draftOf(ctx)` and
 * `viewOf(definition, inputs)`, then `next(answer)` it and compare what it yields with freshly
 * built commands.
 *
 * @example
 * const ctx = draftOf({ round: 2, total: 1 })
 * const step = SumOfSquares.steps.collect(ctx, viewOf(SumOfSquares, { n: 10 }))
 * expect(step.next().value).toEqual(toContext({ sq: launch(Square, { x: 2 }) }))
 * expect(step.next({ sq: { y: 4 } }).done).toBe(true)
 * expect(current(ctx)).toEqual({ round: 3, total: 5 })
 */
import { createDraft, freeze, type Draft } from 'immer'
import type { ProcessDefinition } from '../process/definition.js'
import type { StepView } from '../process/view.js'
import { StepViews } from '../step/views.js'
import { parseInputs } from './inputs.js'

/** An immer draft of `ctx` (frozen first, as a snapshot is), to call a step with. */
export const draftOf = <Ctx extends object>(ctx: Ctx): Draft<Ctx> =>
  createDraft(freeze(structuredClone(ctx), true)) as Draft<Ctx>

/** What `viewOf` may set besides the inputs. */
export interface ViewOptions {
  readonly pid?: string
  readonly args?: readonly unknown[]
  readonly status?: string
}

/** The read-only view a step of `definition` receives, its raw inputs parsed as `create` would. */
export const viewOf = <I>(
  definition: ProcessDefinition<I, any, any>,
  rawInputs?: unknown,
  options: ViewOptions = {},
): StepView<I> =>
  new StepViews(options.pid ?? 'test-pid', definition.name, parseInputs(definition, rawInputs)).at(
    options.args ?? [],
    options.status,
  ) as StepView<I>
