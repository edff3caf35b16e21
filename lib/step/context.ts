/**
 * A step's view of the context: an immer draft, in the runtime and in tests alike, so a step
 * sees the same thing wherever it runs (`isDraft`, `current` and `original` work, a draft kept
 * on the side is revoked once the step ends).
 *
 * The draft is made when something reads or writes the context. A step that has never touched
 * its context gets a stand-in that makes the draft on its first use and forwards every operation
 * to it, so it behaves as the draft does (for `isDraft`, `current` and `original` too, and it is
 * revoked at the end of the step); a step that has touched its context before gets the draft
 * itself. Steps that never look at their context (most steps of plain processes) so cost no
 * draft at all.
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

/** Step functions (and predicates) seen to use their context: they get the draft itself. */
const touching = new WeakSet<object>()

/** The context of one step call: its predicates and its step share one draft. */
export class StepContextDraft {
  private draft: Draft<any> | undefined = undefined
  private standIns: (() => void)[] | undefined = undefined
  /** Warnings about this step call (a predicate that returned no boolean…). */
  warnings: string[] | undefined = undefined

  constructor(private readonly base: unknown) {}

  /** The draft, made now if it was not yet. */
  get real(): Draft<any> {
    return (this.draft ??= createDraft(this.base as object))
  }

  /** What `fn` receives as its context. */
  for(fn: object): Draft<any> {
    // An array's stand-in could not pass for it (`Array.isArray` looks at a proxy's target).
    if (touching.has(fn) || Array.isArray(this.base)) return this.real
    const { proxy, revoke } = Proxy.revocable<Draft<any>>(
      { owner: this, fn } as never,
      FORWARD as ProxyHandler<Draft<any>>,
    )
    // A literal for the first: `[]` grown by a push would hold room for sixteen.
    if (this.standIns === undefined) this.standIns = [revoke]
    else this.standIns.push(revoke)
    return proxy
  }

  /** The frozen context after the step: the same object when nothing changed. */
  close(): unknown {
    this.revokeStandIns()
    return this.draft === undefined ? this.base : finish(this.draft)
  }

  /** Note a warning about this step call. */
  warn(message: string): void {
    ;(this.warnings ??= []).push(message)
  }

  /** A frozen snapshot of the context as it is now (the draft stays open). */
  snapshot(): unknown {
    return this.draft === undefined ? this.base : freeze(current(this.draft), true)
  }

  /** The draft, for a generator that keeps it across a suspension. */
  keep(): Draft<any> {
    this.revokeStandIns()
    return this.real
  }

  /** Drop everything without keeping anything of it. */
  discard(): void {
    this.revokeStandIns()
    if (this.draft !== undefined) discardContext(this.draft)
  }

  private revokeStandIns(): void {
    const revokes = this.standIns
    if (revokes === undefined) return
    for (let i = 0; i < revokes.length; i++) (revokes[i] as () => void)()
    this.standIns = undefined
  }
}

interface StandInTarget {
  readonly owner: StepContextDraft
  readonly fn: object
}

/** The draft behind a stand-in, made on the first operation; the step is marked as touching. */
const draftOf = (target: StandInTarget): object => {
  touching.add(target.fn)
  return target.owner.real as object
}

/** Every trap forwards to the draft, so a stand-in behaves as the draft does. */
const FORWARD: ProxyHandler<StandInTarget> = {
  get: (target, key) => Reflect.get(draftOf(target), key),
  set: (target, key, value) => Reflect.set(draftOf(target), key, value),
  has: (target, key) => Reflect.has(draftOf(target), key),
  deleteProperty: (target, key) => Reflect.deleteProperty(draftOf(target), key),
  ownKeys: (target) => Reflect.ownKeys(draftOf(target)),
  getOwnPropertyDescriptor: (target, key) => Reflect.getOwnPropertyDescriptor(draftOf(target), key),
  defineProperty: (target, key, descriptor) =>
    Reflect.defineProperty(draftOf(target), key, descriptor),
  getPrototypeOf: (target) => Reflect.getPrototypeOf(draftOf(target)),
  setPrototypeOf: (target, proto) => Reflect.setPrototypeOf(draftOf(target), proto),
  isExtensible: (target) => Reflect.isExtensible(draftOf(target)),
  preventExtensions: (target) => Reflect.preventExtensions(draftOf(target)),
}

/**
 * Finish a draft. immer's freezing is the only recursion here, through the data: an overflow means
 * a value nested some 1,600 levels deep, and is reported as that, not as a bare stack overflow.
 */
const finish = (draft: Draft<any>): unknown => {
  try {
    return finishDraft(draft)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    throw new RangeError(
      `the step left its context nested too deep to be frozen (${error.message}); ` +
        'a checkpointing runner keeps at most checkpointLimits.maxDepth levels (256 by default)',
      { cause: error },
    )
  }
}

/** Drop a draft without keeping anything of it. */
const discardContext = (draft: Draft<any>): void => {
  if (!isDraft(draft)) return
  try {
    finishDraft(draft)
  } catch {
    // The draft belonged to a failed step: nothing of it is kept.
  }
}
