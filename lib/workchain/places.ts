/**
 * The places of an outline: one object per cursor a chain can stand at, made once per outline and
 * shared by every process of its definition. Finding the step at a cursor walks these places
 * instead of building the path as it goes, so a step call allocates no cursor, position or
 * resolution: a chain's positions are the places' own (frozen, shared) positions, and what a body
 * derives from a place (the located step, the place after it) is worked out once, on the place.
 *
 * Only places inside the outline are ever made (an index within its block, an `if_` branch that
 * exists), so an outline has a bounded number of them whatever cursors it is asked about.
 */
import type { BodyOutcome, LocatedStep } from '../process/definition.js'
import type { OutlinePosition } from '../process/position.js'
import type { Block, IfInstruction, Instruction } from './outline.js'

/** A place in an outline: its cursor (a frozen path of indices) and its position. */
export class Place {
  readonly position: OutlinePosition
  private readonly children: (Place | undefined)[] = []
  private stepHit: StepHit | undefined = undefined
  private skipHit: SkipHit | undefined = undefined
  /** The body's step at this place, once located (see `body.ts`). */
  located: LocatedStep | undefined = undefined
  /** The body's outcome that goes on at this place, once made (see `body.ts`). */
  continued: BodyOutcome | undefined = undefined
  /** Where the chain goes on after the step at this place (null: the outline ends), once known. */
  next: Place | null | undefined = undefined

  constructor(readonly cursor: readonly number[]) {
    this.position = Object.freeze({ _tag: 'Outline', cursor })
  }

  /** The place one index further down. */
  child(index: number): Place {
    return (this.children[index] ??= new Place(Object.freeze([...this.cursor, index])))
  }

  /** The place at `cursor`, from this one (the root: the whole cursor). */
  at(cursor: readonly number[]): Place {
    return descend(this, cursor, 0)
  }

  /** The step `name` found here. */
  step(name: string): StepHit {
    return (this.stepHit ??= { _tag: 'Step', name, place: this })
  }

  /** No step found: the next step call goes on here. */
  skip(): SkipHit {
    return (this.skipHit ??= { _tag: 'Skip', place: this })
  }
}

const descend = (place: Place, cursor: readonly number[], depth: number): Place =>
  depth === cursor.length ? place : descend(place.child(cursor[depth] as number), cursor, depth + 1)

/** The step found, at its place. */
export interface StepHit {
  readonly _tag: 'Step'
  readonly name: string
  readonly place: Place
}

/** No step found; the next step call goes on at `place`. */
export interface SkipHit {
  readonly _tag: 'Skip'
  readonly place: Place
}

/** A `return_` found. */
export interface ReturnHit {
  readonly _tag: 'Return'
  readonly exitCode: number | string | undefined
}

/** What a walk found: a step, a skip, a return, or the end of the outline. */
export type Hit = StepHit | SkipHit | ReturnHit | typeof END

/** The outline has ended. */
export const END = { _tag: 'End' } as const

/** A walk from a cursor: where it starts, and how it evaluates a predicate step by name. */
export interface Walk {
  readonly cursor: readonly number[]
  evaluate(name: string): boolean
}

const ROOTS = new WeakMap<Block, Place>()

/** The root place of `outline` (whose children are its top-level instructions). */
export const placesOf = (outline: Block): Place => {
  let root = ROOTS.get(outline)
  if (root === undefined) {
    root = new Place(Object.freeze([]))
    ROOTS.set(outline, root)
  }
  return root
}

/**
 * Take one step of `outline` from `cursor`, evaluating the predicates on the way (an `if_`'s
 * once when it is entered, a `while_`'s before each iteration); see `Cursor.resolve`.
 */
export const walk = (outline: Block, w: Walk): Hit => {
  const found = walkBlock(outline, w, 0, placesOf(outline))
  return found === DONE ? END : found
}

/** An instruction (or a block) that has finished without running a step. */
const DONE = 'done'
type Done = typeof DONE

/**
 * Take one step of `block` from `cursor[depth..]`; `at` is the place of the block itself. A block
 * entered anew is walked from `cursor.length`: reading past the end of the cursor gives index 0,
 * the start of the block, at every level down.
 */
const walkBlock = (block: Block, w: Walk, depth: number, at: Place): Hit | Done => {
  const index = w.cursor[depth] ?? 0
  const instruction = block[index]
  // A cursor just past the end of a block (as checkpoints of earlier versions may hold).
  if (instruction === undefined) return DONE
  const inner = walkInstruction(instruction, w, depth + 1, at.child(index))
  if (inner !== DONE) return inner
  if (index + 1 >= block.length) return DONE
  return at.child(index + 1).skip()
}

/** `at` is the place of `instruction`. */
const walkInstruction = (
  instruction: Instruction,
  w: Walk,
  depth: number,
  at: Place,
): Hit | Done => {
  switch (instruction._tag) {
    case 'Step':
      return at.step(instruction.name)
    case 'Return':
      return { _tag: 'Return', exitCode: instruction.exitCode }
    case 'If': {
      let branch = w.cursor[depth]
      let inside = depth + 1
      if (branch === undefined) {
        branch = firstTaken(instruction, w)
        inside = w.cursor.length
      }
      const body = branchBody(instruction, branch)
      if (body === undefined) return DONE
      return walkBlock(body, w, inside, at.child(branch))
    }
    case 'While': {
      let inside = depth
      // Not entered yet, or at the end of its body (as earlier versions left it): check again.
      if (depth >= w.cursor.length || (w.cursor[depth] ?? 0) >= instruction.body.length) {
        if (!w.evaluate(instruction.predicate)) return DONE
        inside = w.cursor.length
      }
      const result = walkBlock(instruction.body, w, inside, at)
      // The body ended without a step: the loop goes on, its predicate checked by the next call.
      return result === DONE ? at.skip() : result
    }
  }
}

/** The first branch whose predicate holds, in order (the `else_` when none does). */
const firstTaken = (instruction: IfInstruction, w: Walk): number => {
  const branches = instruction.branches
  for (let i = 0; i < branches.length; i++)
    if (w.evaluate((branches[i] as { readonly predicate: string }).predicate)) return i
  return branches.length
}

/** The block of branch `branch` of an `if_` (the one after the last is the `else_`). */
export const branchBody = (instruction: IfInstruction, branch: number): Block | undefined =>
  branch < instruction.branches.length
    ? instruction.branches[branch]?.body
    : branch === instruction.branches.length
      ? instruction.otherwise
      : undefined
