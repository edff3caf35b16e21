/**
 * A step's view of the context: always an immer draft, in the runtime and in tests alike, so a
 * step sees the same thing wherever it runs (`isDraft`, `current` and `original` work, a draft
 * kept on the side is revoked once the step ends).
 */
import { createDraft, current, finishDraft, freeze, isDraft, type Draft } from 'immer'

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

/** A draft of `ctx` for one step. */
export const openContext = (ctx: unknown): Draft<any> => createDraft(ctx as object)

/** The frozen context after the step: the same object when nothing changed. */
export const closeContext = (draft: Draft<any>): unknown => finishDraft(draft)

/** A frozen snapshot of the draft as it is now (the draft stays open). */
export const snapshotContext = (draft: Draft<any>): unknown => freeze(current(draft), true)

/** Drop a draft without keeping anything of it. */
export const discardContext = (draft: Draft<any>): void => {
  if (!isDraft(draft)) return
  try {
    finishDraft(draft)
  } catch {
    // The draft belonged to a failed step: nothing of it is kept.
  }
}
