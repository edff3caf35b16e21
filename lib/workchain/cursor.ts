/**
 * The cursor: where a work chain is in its outline, as a path of indices. At each level the first
 * number is an index into a block; an `if_` that has been entered adds the index of the branch
 * taken (the `else_` block counts as the branch after the last one), then the path inside it; a
 * `while_` that has been entered adds the path inside its body. A path that stops at an `if_` or
 * `while_` means "not entered yet": its conditions are still to be evaluated.
 */
import type { Block, Instruction } from './outline.js'
import { branchBody, walk } from './places.js'

/** A position in an outline. */
export type Cursor = readonly number[]

/** What resolving a cursor found. */
export type Resolution =
  | { readonly _tag: 'Step'; readonly name: string; readonly cursor: Cursor }
  | { readonly _tag: 'Return'; readonly exitCode: number | string | undefined }
  | { readonly _tag: 'End' }
  /**
   * The predicates chose no step (a `while_` ended, or no `if_` branch was taken) and more of
   * the outline follows: this step call ends here, and the next one goes on at `cursor`.
   */
  | { readonly _tag: 'Skip'; readonly cursor: Cursor }

/** Evaluates a predicate step by name. */
export type PredicateEvaluator = (name: string) => boolean

/** An instruction (or a block) that has finished without running a step. */
const DONE = 'done'
type Done = typeof DONE

/**
 * The cursor operations. A step call takes one step of the outline, as plumpy's stepper does:
 * the predicates on its way are evaluated, and it runs the step they lead to; when they lead to
 * no step (a `while_` whose predicate is false, an `if_` with no branch taken), the call ends
 * there, unless the outline has ended too.
 */
export const Cursor = {
  /** The start of an outline. */
  start: (): Cursor => [0],

  /**
   * Find the step at `cursor`, evaluating the predicates on the way (an `if_`'s once when it is
   * entered, a `while_`'s before each iteration).
   */
  resolve(outline: Block, cursor: Cursor, evaluate: PredicateEvaluator): Resolution {
    const hit = walk(outline, { cursor, evaluate })
    switch (hit._tag) {
      case 'Step':
        return { _tag: 'Step', name: hit.name, cursor: hit.place.cursor }
      case 'Skip':
        return { _tag: 'Skip', cursor: hit.place.cursor }
      default:
        return hit
    }
  },

  /**
   * Where the chain goes on once the step at `stepCursor` has run: the next instruction of its
   * block, or the `while_` around it (checked again next), or past the `if_` around it;
   * undefined when the outline has ended.
   */
  after(outline: Block, stepCursor: Cursor): Cursor | undefined {
    const next = afterIn(outline, stepCursor)
    return next === DONE ? undefined : next
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

/** The cursor after the instruction at `cursor` in `block` has run (DONE: the block ended). */
const afterIn = (block: Block, cursor: Cursor): Cursor | Done => {
  const index = cursor[0] ?? 0
  const instruction = block[index]
  if (cursor.length > 1 && instruction !== undefined) {
    if (instruction._tag === 'While') {
      const inner = afterIn(instruction.body, cursor.slice(1))
      // The end of the body: the loop is checked again.
      return inner === DONE ? [index] : [index, ...inner]
    }
    if (instruction._tag === 'If') {
      const branch = cursor[1] ?? 0
      const body = branchBody(instruction, branch)
      const inner = body === undefined ? DONE : afterIn(body, cursor.slice(2))
      if (inner !== DONE) return [index, branch, ...inner]
    }
  }
  return index + 1 < block.length ? [index + 1] : DONE
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
      return rest.length === 0
        ? `while_(${instruction.predicate})`
        : `while_(${instruction.predicate})(${formatBlock(instruction.body, rest)})`
    case 'If': {
      const branch = rest[0]
      if (branch === undefined) return `if_(${instruction.branches[0]?.predicate ?? ''})`
      const taken = instruction.branches[branch]
      const body = taken?.body ?? instruction.otherwise ?? []
      const label =
        taken === undefined ? 'else_' : `${branch === 0 ? 'if_' : 'elif_'}(${taken.predicate})`
      return `${label}(${formatBlock(body, rest.slice(1))})`
    }
  }
}
