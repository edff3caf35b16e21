/**
 * The outline DSL: steps, `if_(p)(...).elif_(q)(...).else_(...)`, `while_(p)(...)`, `return_`
 * and `return_(exitCode)`. Builders make small values; `normaliseOutline` turns them into plain
 * instruction data and rejects anything malformed, naming the place.
 */

/**
 * A reference to a named step of the definition, to run as a step. `runsAs` is type only (never
 * set): it keeps a step out of the places of a predicate, and a predicate out of those of a step.
 */
export interface StepRef<N extends string = string> {
  readonly _tag: 'StepRef'
  readonly name: N
  readonly runsAs?: 'step'
}

/**
 * A reference to a predicate of the definition (a step that returns a boolean), for `if_`,
 * `elif_` and `while_`.
 */
export interface PredicateRef<N extends string = string> {
  readonly _tag: 'StepRef'
  readonly name: N
  readonly runsAs?: 'predicate'
}

/** Any step reference, as the outline holds it at run time. */
export type AnyStepRef = StepRef | PredicateRef

/** Run a step. */
export interface StepInstruction {
  readonly _tag: 'Step'
  readonly name: string
}

/** One `if_`/`elif_` branch: a predicate step and its block. */
export interface Branch {
  readonly predicate: string
  readonly body: Block
}

/** `if_(p)(...).elif_(q)(...).else_(...)`: conditions are evaluated once, on entry. */
export interface IfInstruction {
  readonly _tag: 'If'
  readonly branches: readonly Branch[]
  readonly otherwise: Block | undefined
}

/** `while_(p)(...)`: the predicate is checked before each iteration. */
export interface WhileInstruction {
  readonly _tag: 'While'
  readonly predicate: string
  readonly body: Block
}

/** `return_` / `return_(exitCode)`: finish now, with an exit code when one is given. */
export interface ReturnInstruction {
  readonly _tag: 'Return'
  readonly exitCode: number | string | undefined
}

/** An outline instruction, as data. */
export type Instruction = StepInstruction | IfInstruction | WhileInstruction | ReturnInstruction

/** A sequence of instructions. */
export type Block = readonly Instruction[]

/** What may stand in an outline as the user writes it. */
export type OutlineItem =
  | StepRef
  | IfBuilder
  | WhileInstruction
  | ReturnInstruction
  | typeof return_

/** An `if_` being built: add `elif_` branches and one `else_`. */
export interface IfBuilder {
  readonly _tag: 'IfBuilder'
  readonly branches: readonly {
    readonly predicate: PredicateRef
    readonly body: readonly OutlineItem[]
  }[]
  readonly otherwise: readonly OutlineItem[] | undefined
  /** Problems found while building (a second `else_`…), reported when the definition is built. */
  readonly problems: readonly string[]
  elif_(predicate: PredicateRef): (...body: OutlineItem[]) => IfBuilder
  else_(...body: OutlineItem[]): IfBuilder
}

/**
 * The functions `if_(p)`, `.elif_(q)` and `while_(p)` return, by what was written: an outline
 * that holds one was left without its body, and the error can say so.
 */
const awaitingBody = new WeakMap<object, string>()

const bodyless = <F extends object>(fn: F, written: string): F => {
  awaitingBody.set(fn, written)
  return fn
}

const ifBuilder = (
  branches: IfBuilder['branches'],
  otherwise: IfBuilder['otherwise'],
  problems: readonly string[],
): IfBuilder => ({
  _tag: 'IfBuilder',
  branches,
  otherwise,
  problems,
  elif_: (predicate) =>
    bodyless(
      (...body: OutlineItem[]) =>
        otherwise === undefined
          ? ifBuilder([...branches, { predicate, body }], otherwise, problems)
          : ifBuilder(branches, otherwise, [
              ...problems,
              `elif_(${refName(predicate)}) after else_`,
            ]),
      `elif_(${refName(predicate)})`,
    ),
  else_: (...body) =>
    otherwise === undefined
      ? ifBuilder(branches, body, problems)
      : ifBuilder(branches, otherwise, [...problems, 'a second else_']),
})

/**
 * `if_(predicate)(...steps)`, then optionally `.elif_(q)(...)` and `.else_(...)`. The predicate
 * is a step returning a boolean; any other step is a type error here.
 */
export const if_ = (predicate: PredicateRef) =>
  bodyless(
    (...body: OutlineItem[]): IfBuilder => ifBuilder([{ predicate, body }], undefined, []),
    `if_(${refName(predicate)})`,
  )

/** `while_(predicate)(...steps)`: the predicate is a step returning a boolean. */
export const while_ = (predicate: PredicateRef) =>
  bodyless(
    (...body: OutlineItem[]): WhileInstruction => ({
      _tag: 'While',
      predicate: refName(predicate),
      body: body as unknown as Block,
    }),
    `while_(${refName(predicate)})`,
  )

/** `return_` finishes the chain; `return_(exitCode)` finishes it with that exit code. */
export function return_(exitCode: number | string): ReturnInstruction {
  return { _tag: 'Return', exitCode }
}

const refName = (ref: unknown): string =>
  (ref as AnyStepRef | undefined)?._tag === 'StepRef'
    ? (ref as AnyStepRef).name
    : typeof ref === 'function'
      ? `function ${ref.name || '(anonymous)'}`
      : String(ref)

/** An outline that cannot be built, with the place named. */
export class OutlineError extends Error {
  override readonly name = 'OutlineError'
}

/**
 * Turn what the user wrote into instruction data, checking every item: steps and predicates
 * must be steps of the definition, and builders must be well formed.
 */
export const normaliseOutline = (
  items: readonly unknown[],
  stepNames: ReadonlySet<string>,
  place = 'outline',
  exitLabels?: ReadonlySet<string>,
): Block => {
  if (!Array.isArray(items)) throw new OutlineError(`${place}: expected a list of instructions`)
  const steps: Known = { steps: stepNames, exitLabels }
  return items.map((item, index) => normaliseItem(item, steps, `${place}[${index}]`))
}

/** What an outline may refer to: the steps, and (when known) the spec's exit code labels. */
interface Known {
  readonly steps: ReadonlySet<string>
  readonly exitLabels: ReadonlySet<string> | undefined
}

const normaliseItem = (item: unknown, steps: Known, place: string): Instruction => {
  if (item === return_) return { _tag: 'Return', exitCode: undefined }
  const tag = (item as { _tag?: unknown } | null)?._tag
  switch (tag) {
    case 'StepRef':
      return { _tag: 'Step', name: checkStep((item as AnyStepRef).name, steps, place) }
    case 'Return': {
      const { exitCode } = item as ReturnInstruction
      if (typeof exitCode === 'string' && steps.exitLabels?.has(exitCode) === false)
        throw new OutlineError(`${place}: return_('${exitCode}') names no exit code of the spec`)
      return { _tag: 'Return', exitCode }
    }
    case 'While': {
      const w = item as WhileInstruction
      const predicate = checkStep(w.predicate, steps, `${place}.while_`)
      const body = normaliseBlock(w.body, steps, `${place}.while_(${predicate})`)
      if (body.length === 0)
        throw new OutlineError(`${place}: while_(${predicate}) needs at least one instruction`)
      return { _tag: 'While', predicate, body }
    }
    case 'IfBuilder': {
      const b = item as IfBuilder
      if (b.problems.length > 0)
        throw new OutlineError(`${place}: if_ has ${b.problems.join(', ')}`)
      const branches = b.branches.map((branch, i) => {
        const predicate = checkStep(refName(branch.predicate), steps, `${place}.branch[${i}]`)
        const label = `${place}.${i === 0 ? 'if_' : 'elif_'}(${predicate})`
        return { predicate, body: normaliseBlock(branch.body, steps, label) }
      })
      const otherwise =
        b.otherwise === undefined ? undefined : normaliseBlock(b.otherwise, steps, `${place}.else_`)
      return { _tag: 'If', branches, otherwise }
    }
    default: {
      const written = typeof item === 'function' ? awaitingBody.get(item) : undefined
      if (written !== undefined)
        throw new OutlineError(
          `${place}: ${written} has no body: write ${written}(...instructions)`,
        )
      throw new OutlineError(`${place}: expected a step, if_, while_ or return_, got ${show(item)}`)
    }
  }
}

const normaliseBlock = (items: readonly unknown[], known: Known, place: string): Block =>
  normaliseOutline(items, known.steps, place, known.exitLabels)

const checkStep = (name: string, known: Known, place: string): string => {
  if (!known.steps.has(name))
    throw new OutlineError(`${place}: '${name}' is not a step of this work chain`)
  return name
}

const show = (value: unknown): string =>
  typeof value === 'function'
    ? `function ${value.name || '(anonymous)'} (use the step refs the outline function receives)`
    : (JSON.stringify(value) ?? String(value))
