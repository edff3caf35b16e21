/**
 * The pieces of the outline drawing's layout: what a laid-out element is, the sizes, and what
 * the layout of a `while_` or an `if_` gets from the drawing around it.
 */
import type { Block } from '../workchain/outline.js'
import type { NodeLook } from './svg.js'

/** Vertical space between two elements (an arrow). */
export const GAP = 28
/** Height of a step, a pill. */
export const STEP_HEIGHT = 34
/** Height of a predicate's diamond. */
export const DIAMOND_HEIGHT = 44
/** Room beside a loop for its edges. */
export const SIDE = 26
/** Space between the columns of an `if_`. */
export const COLUMN_GAP = 30
/** Width a diamond adds to its label. */
export const DIAMOND_PADDING = 44

/** An element laid out: its size, the x of its entry and exit, and how to draw it at (x, y). */
export interface Laid {
  readonly width: number
  readonly height: number
  /** The x of its entry (top) and exit (bottom), from its left edge. */
  readonly anchor: number
  /** False when nothing leaves it (a `return_`, a block that ends in one). */
  readonly exits: boolean
  draw(x: number, y: number, out: string[]): void
}

/** What the layout of one instruction needs from the drawing. */
export interface LayoutContext {
  /** How a node at `place` looks (current or not); `alsoAt`: another place that means it. */
  look(label: string, place: readonly number[] | undefined, alsoAt?: readonly number[]): NodeLook
  /** Lays out a block whose instructions are at `prefix` + their index. */
  block(instructions: Block, prefix: readonly number[]): Laid
}
