/**
 * The cursor: where a work chain is in its outline, as a path of indices. At each level the first
 * number is an index into a block; an `if_` that has been entered adds the index of the branch
 * taken (the `else_` block counts as the branch after the last one), then the path inside it; a
 * `while_` that has been entered adds the path inside its body. A path that stops at an `if_` or
 * `while_` means "not entered yet": its conditions are still to be evaluated.
 */
import type { Block, Instruction } from './outline.js'

/** A position in an outline. */
export type Cursor = readonly number[]

/** What resolving a cursor found. */
export type Resolution =
  | { readonly _tag: 'Step'; readonly name: string; readonly cursor: Cursor }
  | { readonly _tag: 'Return'; readonly exitCode: number | string | undefined }
  | { readonly _tag: 'End' }

/** Evaluates a predicate step by name. */
export type PredicateEvaluator = (name: string) => boolean

type BlockResult = Resolution | { readonly _tag: 'BlockEnd' }

/** The cursor operations. */
export const Cursor = {
  /** The start of an outline. */
  start: (): Cursor => [0],

  /**
   * Find the next step from `cursor`, evaluating the predicates on the way (an `if_`'s once when
   * it is entered, a `while_`'s before each iteration).
   */
  resolve(outline: Block, cursor: Cursor, evaluate: PredicateEvaluator): Resolution {
    const result = resolveBlock(outline, cursor, evaluate)
    return result._tag === 'BlockEnd' ? END : result
  },

  /**
   * What follows the step at `cursor` when that is known without evaluating any predicate: the
   * end of the outline or a `return_`. Otherwise undefined, and the next step call resolves it.
   */
  settledAfter(outline: Block, stepCursor: Cursor): Resolution | undefined {
    return settled(outline, stepCursor, 0)
  },

  /** The cursor just after the step at `stepCursor`, in the same block. */
  advance(stepCursor: Cursor): Cursor {
    const last = stepCursor[stepCursor.length - 1] ?? 0
    return [...stepCursor.slice(0, -1), last + 1]
  },

  /**
   * Why `cursor` is not a place in `outline`, or undefined when it is. Accepted are the cursors a
   * chain can reach: every index within its block or just past its end, descending only into an
   * `if_` branch that exists or a `while_` body. With `atStep` (a generator step suspended inside
   * itself) the cursor must name a step exactly. Checked when a checkpoint is loaded, so that a
   * damaged cursor is refused there rather than read as "the chain has ended".
   */
  check(outline: Block, cursor: Cursor, atStep = false): string | undefined {
    if (cursor.length === 0) return 'an outline cursor needs at least one index'
    return checkBlock(outline, cursor, 0, atStep)
  },

  /** The cursor as plumpy prints its stepper: `1:while_(whileStep)(0:conditionalStep)`. */
  format(outline: Block, cursor: Cursor): string {
    return formatBlock(outline, cursor)
  },
}

const END: Resolution = { _tag: 'End' }
const BLOCK_END: BlockResult = { _tag: 'BlockEnd' }

/**
 * What follows the step at `cursor[depth..]` inside `block`, structurally: the end (of this
 * block and every enclosing one), a `return_`, or undefined when a step or a predicate comes
 * first. Called after every step, so it allocates nothing.
 */
const settled = (block: Block, cursor: Cursor, depth: number): Resolution | undefined => {
  const index = cursor[depth] ?? 0
  const instruction = block[index]
  if (instruction === undefined) return undefined
  if (depth < cursor.length - 1) {
    // Inside a compound instruction: what follows inside it first.
    if (instruction._tag === 'While') {
      // A return_ may still follow inside the body; the end of the body runs the predicate again.
      const inner = settled(instruction.body, cursor, depth + 1)
      return inner === END ? undefined : inner
    }
    if (instruction._tag !== 'If') return undefined
    const branch = cursor[depth + 1] ?? 0
    const body =
      branch < instruction.branches.length
        ? instruction.branches[branch]?.body
        : instruction.otherwise
    if (body === undefined) return undefined
    const inner = settled(body, cursor, depth + 2)
    if (inner !== END) return inner
    return restOf(block, index + 1)
  }
  return restOf(block, index + 1)
}

/** The instructions of `block` from `from` on, when they hold no step and no predicate. */
const restOf = (block: Block, from: number): Resolution | undefined => {
  const next = block[from]
  if (next === undefined) return END
  return next._tag === 'Return' ? { _tag: 'Return', exitCode: next.exitCode } : undefined
}

const resolveBlock = (block: Block, cursor: Cursor, evaluate: PredicateEvaluator): BlockResult => {
  let index = cursor[0] ?? 0
  let rest = cursor.slice(1)
  while (index < block.length) {
    const instruction = block[index] as Instruction
    const inner = resolveInstruction(instruction, rest, evaluate)
    if (inner === 'next') {
      index += 1
      rest = []
      continue
    }
    if (inner === 'again') {
      rest = []
      continue
    }
    if (inner._tag === 'Step') return { ...inner, cursor: [index, ...inner.cursor] }
    return inner
  }
  return BLOCK_END
}

/** Resolve inside one instruction: a result, 'next' to move on, or 'again' to re-check a loop. */
const resolveInstruction = (
  instruction: Instruction,
  rest: Cursor,
  evaluate: PredicateEvaluator,
): Resolution | 'next' | 'again' => {
  switch (instruction._tag) {
    case 'Step':
      return { _tag: 'Step', name: instruction.name, cursor: [] }
    case 'Return':
      return { _tag: 'Return', exitCode: instruction.exitCode }
    case 'If': {
      let branch = rest[0]
      if (branch === undefined) {
        branch = instruction.branches.findIndex((b) => evaluate(b.predicate))
        if (branch === -1) branch = instruction.branches.length
      }
      const body =
        branch < instruction.branches.length
          ? instruction.branches[branch]?.body
          : instruction.otherwise
      if (body === undefined) return 'next'
      const result = resolveBlock(body, rest.slice(1), evaluate)
      if (result._tag === 'BlockEnd') return 'next'
      return result._tag === 'Step' ? { ...result, cursor: [branch, ...result.cursor] } : result
    }
    case 'While': {
      if (rest.length === 0 && !evaluate(instruction.predicate)) return 'next'
      const result = resolveBlock(instruction.body, rest, evaluate)
      return result._tag === 'BlockEnd' ? 'again' : result
    }
  }
}

const checkBlock = (
  block: Block,
  cursor: Cursor,
  depth: number,
  atStep: boolean,
): string | undefined => {
  const index = cursor[depth] as number
  const deeper = depth < cursor.length - 1
  const instruction = block[index]
  const where = depth === 0 ? 'the outline' : 'its block'
  if (index > block.length || (index === block.length && (deeper || atStep)))
    return `index ${index} is past the end of ${where} (${block.length} instructions)`
  if (instruction === undefined) return undefined
  if (!deeper)
    return atStep && instruction._tag !== 'Step'
      ? `index ${index} is ${describeTag(instruction)}, not a step`
      : undefined
  switch (instruction._tag) {
    case 'Step':
    case 'Return':
      return `index ${index} is ${describeTag(instruction)}, which has nothing inside`
    case 'While':
      return checkBlock(instruction.body, cursor, depth + 1, atStep)
    case 'If': {
      const branch = cursor[depth + 1] as number
      const body =
        branch < instruction.branches.length
          ? instruction.branches[branch]?.body
          : branch === instruction.branches.length
            ? instruction.otherwise
            : undefined
      if (body === undefined)
        return `branch ${branch} of the if_ at index ${index} does not exist (${instruction.branches.length} branches${instruction.otherwise === undefined ? '' : ' and an else_'})`
      if (depth + 1 === cursor.length - 1)
        return atStep ? `branch ${branch} is an if_ branch, not a step` : undefined
      return checkBlock(body, cursor, depth + 2, atStep)
    }
  }
}

const describeTag = (instruction: Instruction): string =>
  instruction._tag === 'Step'
    ? `step '${instruction.name}'`
    : instruction._tag === 'Return'
      ? 'a return_'
      : instruction._tag === 'If'
        ? 'an if_'
        : 'a while_'

const formatBlock = (block: Block, cursor: Cursor): string => {
  const index = cursor[0] ?? 0
  const instruction = block[index]
  if (instruction === undefined) return `${index}:<end>`
  return `${index}:${formatInstruction(instruction, cursor.slice(1))}`
}

const formatInstruction = (instruction: Instruction, rest: Cursor): string => {
  switch (instruction._tag) {
    case 'Step':
      return instruction.name
    case 'Return':
      return instruction.exitCode === undefined ? 'return_' : `return_(${instruction.exitCode})`
    case 'While':
      return `while_(${instruction.predicate})(${rest.length === 0 ? '' : formatBlock(instruction.body, rest)})`
    case 'If': {
      const branch = rest[0]
      if (branch === undefined)
        return `if_(${instruction.branches.map((b) => b.predicate).join(', ')})()`
      const taken = instruction.branches[branch]
      const body = taken?.body ?? instruction.otherwise ?? []
      const label =
        taken === undefined ? 'else_' : `${branch === 0 ? 'if_' : 'elif_'}(${taken.predicate})`
      return `${label}(${formatBlock(body, rest.slice(1))})`
    }
  }
}
