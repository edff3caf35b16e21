/**
 * Opening and closing a step's view of the context. Contexts are drafted with immer; a small
 * context of primitive values (a counter, a flag, a name) is copied instead, which behaves the
 * same for a step (assign, delete, `'k' in ctx`, a frozen result that is the old object when
 * nothing changed) at a fraction of the cost of a draft.
 */
import { createDraft, current, finishDraft, freeze, isDraft, type Draft } from 'immer'

const SMALL = 16

/** The context of every process whose context starts empty: one frozen object, shared. */
const EMPTY_CONTEXT: object = Object.freeze({})

/**
 * A process's first context, deeply frozen. An empty one is the shared empty context, so that a
 * process with no context (most plain processes) holds none of its own.
 */
export const initialContext = (value: object): unknown => {
  if (isPlainEmpty(value)) return EMPTY_CONTEXT
  return freeze(value, true)
}

const isPlainEmpty = (value: object): boolean => {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  for (const _key in value) return false
  return Reflect.ownKeys(value).length === 0
}

const isSmallFlat = (ctx: unknown): ctx is Record<string, unknown> => {
  if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) return false
  if (Object.getPrototypeOf(ctx) !== Object.prototype) return false
  let count = 0
  for (const key in ctx) {
    const value = (ctx as Record<string, unknown>)[key]
    if (typeof value === 'object' && value !== null) return false
    if (++count > SMALL) return false
  }
  return true
}

/** A mutable view of `ctx` for one step. */
export const openContext = (ctx: unknown): Draft<any> =>
  isSmallFlat(ctx) ? { ...ctx } : createDraft(ctx as object)

/** The frozen context after the step: `base` itself when nothing changed. */
export const closeContext = (view: Draft<any>, base: unknown): unknown => {
  try {
    return close(view, base)
  } catch (error) {
    // immer's freezing is the only recursion here, through the data: an overflow means a value
    // nested some 1,600 levels deep, and is reported as that, not as a bare stack overflow.
    if (!(error instanceof RangeError)) throw error
    throw new RangeError(
      `the step left its context nested too deep to be frozen (${error.message}); ` +
        'a checkpointing runner keeps at most checkpointLimits.maxDepth levels (256 by default)',
      { cause: error },
    )
  }
}

const close = (view: Draft<any>, base: unknown): unknown => {
  if (isDraft(view)) return finishDraft(view)
  const copy = view as Record<string, unknown>
  // Frozen either way, so that a view a step kept on the side cannot be written later (as a
  // revoked draft cannot).
  for (const key in copy) freeze(copy[key], true)
  Object.freeze(copy)
  return sameEntries(copy, base as Record<string, unknown>) ? base : copy
}

/** A frozen snapshot of the view as it is now (the view stays open). */
export const snapshotContext = (view: Draft<any>): unknown =>
  freeze(isDraft(view) ? current(view) : { ...(view as object) }, true)

/** Drop a view without keeping anything of it. */
export const discardContext = (view: Draft<any>): void => {
  if (!isDraft(view)) return
  try {
    finishDraft(view)
  } catch {
    // The view belonged to a failed step: nothing of it is kept.
  }
}

const sameEntries = (a: Record<string, unknown>, b: Record<string, unknown>): boolean => {
  let count = 0
  for (const key in a) {
    if (!Object.is(a[key], b[key]) || !(key in b)) return false
    count += 1
  }
  for (const _key in b) count -= 1
  return count === 0
}
