/**
 * The second argument of every step: a read-only view of its process. Nothing on it changes the
 * process; a step acts by yielding (or returning) commands.
 */

import type { StateName } from './state.js'

/**
 * What a step may read of its process. `I` is the parsed inputs type, `A` the step's arguments
 * (those of the `Continue` that led here, or `[value]` after a `resume(value)` of a `Wait`).
 */
export interface StepView<I = any, A extends readonly unknown[] = readonly unknown[]> {
  /** Parsed, deeply frozen inputs. */
  readonly inputs: I
  readonly pid: string
  /** The definition's name (plumpy's `get_name()`). */
  readonly name: string
  /** The state of the process while the step runs: RUNNING. */
  readonly state: StateName
  readonly args: A
  /** The status text when the step started. */
  readonly status: string | undefined
}
