/**
 * The checkpoint limits: how deep and how long the JSON of each value a checkpointed process
 * keeps (its context, its outputs, its inputs, a result, a resume value…) may be. A step that
 * leaves more fails with a `CheckpointError` ('too-large') naming the limit and the path, and the
 * process goes EXCEPTED with its last good data, instead of a stack overflow in whatever walks
 * the data next or a checkpoint that cannot be written.
 */

/** How deep and how long one value kept in a checkpoint may be. */
export interface CheckpointLimits {
  /**
   * Deepest nesting of arrays and objects in one value (the context is one level). Default 256:
   * far from where immer, `JSON.stringify` and `JSON.parse` overflow the stack (some 1,600 to
   * 4,000 levels with Node's default stack).
   */
  readonly maxDepth: number
  /**
   * Longest JSON text of one value, in characters (`JSON.stringify(value).length`). Default
   * 16 Mi (16,777,216): a checkpoint of a few such values stays well within what a JavaScript
   * string (about 512 Mi characters) and a PostgreSQL `jsonb` value (about 256 MiB) can hold.
   */
  readonly maxLength: number
}

/** The limits a runner applies unless told otherwise. */
export const DEFAULT_CHECKPOINT_LIMITS: CheckpointLimits = Object.freeze({
  maxDepth: 256,
  maxLength: 16 * 1024 * 1024,
})

/** The default limits with some replaced; a `RangeError` for a limit that is not a whole number ≥ 1. */
export const checkpointLimits = (overrides: Partial<CheckpointLimits> = {}): CheckpointLimits => {
  const limits = { ...DEFAULT_CHECKPOINT_LIMITS, ...overrides }
  for (const [name, value] of Object.entries(limits))
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`checkpoint limit ${name} must be a whole number ≥ 1 (got ${value})`)
  return Object.freeze(limits)
}
