/**
 * Incremental checkpoints, shared by the SQL stores. Successive checkpoints of one (pid, tag) are
 * written as a whole body, then as patches against the one before, and every `compactEvery`
 * saves as a whole body again, so a load applies at most `compactEvery - 1` patches.
 *
 * A store keeps, per (pid, tag), a `version` that every save raises and a `base`: the version of
 * its whole body. Patch rows carry the version they produce. A patch is written only if the
 * stored version is still the one this persister last wrote; otherwise (another writer, a delete
 * behind its back) it writes a whole body instead, so a patch is never applied to the wrong base.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import { isTerminal } from '../process/state.js'
import { applyJsonPatches, decodePatches, diffJson, encodePatches, type Patch } from './patches.js'
import { RowMemory } from './row-memory.js'
import { decodeStored } from './stored.js'

/** The incremental option of the SQL persisters. */
export interface IncrementalOptions {
  /** Write a whole body every this many saves of one checkpoint (at least 1; 1 means never patch). */
  readonly compactEvery: number
  /**
   * How many checkpoints to remember the last body of, for diffing (default 10,000). One not
   * remembered, or finished, gets a whole body at its next save.
   */
  readonly remember?: number
}

/** What one save writes. `json` is the body parsed, for `committed`. */
export type Write =
  | { readonly _tag: 'Whole'; readonly body: string; readonly json: unknown }
  | {
      readonly _tag: 'Patch'
      readonly patch: string
      /** The stored version the patch applies to; the patch row gets `after + 1`. */
      readonly after: number
      /** The whole body, to write instead when the stored version has moved on. */
      readonly body: string
      readonly json: unknown
    }

interface Head {
  readonly json: unknown
  readonly version: number
  /** Saves since the last whole body, that one included. */
  readonly saves: number
}

/** The last body this persister wrote for each checkpoint, and what to write next. */
export class IncrementalHeads {
  private readonly compactEvery: number
  private readonly heads: RowMemory<Head>

  constructor(options: IncrementalOptions) {
    if (!Number.isInteger(options.compactEvery) || options.compactEvery < 1) {
      throw new RangeError(`compactEvery must be a positive integer, got ${options.compactEvery}`)
    }
    this.compactEvery = options.compactEvery
    this.heads = new RowMemory(Math.max(1, options.remember ?? 10_000))
  }

  /** What to write to save `body` (a checkpoint's text) under (pid, tagKey). */
  plan(pid: string, tagKey: string, body: string): Write {
    // Parsed from the text, never taken from the bundle, whose objects a caller may still change.
    const json: unknown = JSON.parse(body)
    const head = this.heads.get(pid, tagKey)
    if (head === undefined || head.saves >= this.compactEvery) return { _tag: 'Whole', body, json }
    const patch = encodePatches(diffJson(head.json, json))
    return { _tag: 'Patch', patch, after: head.version, body, json }
  }

  /**
   * Remember a committed save of `write`: `version` is the stored version now, and `whole` says
   * whether a whole body was written (a patch whose version check failed is written whole).
   */
  committed(bundle: Bundle, tagKey: string, write: Write, version: number, whole: boolean): void {
    const previous = this.heads.get(bundle.pid, tagKey)
    this.heads.forget(bundle.pid, tagKey)
    // A finished process takes no more checkpoints: remembering it would only hold memory.
    if (isTerminal(bundle.snapshot.state)) return
    const saves = whole || previous === undefined ? 1 : previous.saves + 1
    this.heads.set(bundle.pid, tagKey, { json: write.json, version, saves })
  }

  /** Forget one checkpoint (it was deleted, or its save failed). */
  forget(pid: string, tagKey: string): void {
    this.heads.forget(pid, tagKey)
  }

  /** Forget every checkpoint of a process. */
  forgetProcess(pid: string): void {
    this.heads.forgetProcess(pid)
  }
}

/** A stored checkpoint as read back: the whole body, the patch rows after it, and versions. */
export interface StoredRows {
  readonly body: string
  readonly version: number
  readonly base: number
  readonly patches: readonly string[]
}

/** Put a checkpoint back together from its rows and decode it. */
export const reassemble = (
  rows: StoredRows,
  pid: string,
  tag: string | undefined,
): E.Either<CheckpointError, Bundle> => {
  if (rows.version === rows.base && rows.patches.length === 0)
    return decodeStored(rows.body, pid, tag)
  const fail = (problem: 'unreadable' | 'malformed', reason: string) =>
    E.left(new CheckpointError(problem, pid, tag, reason))
  if (rows.patches.length !== rows.version - rows.base) {
    return fail(
      'malformed',
      `expected ${rows.version - rows.base} patches after the whole body, found ${rows.patches.length}`,
    )
  }
  let base: unknown
  try {
    base = JSON.parse(rows.body)
  } catch (error) {
    return fail('unreadable', `not JSON: ${String(error)}`)
  }
  const patches: Patch[] = []
  for (const [index, text] of rows.patches.entries()) {
    const decoded = decodePatches(text)
    if (typeof decoded === 'string')
      return fail('unreadable', `patch ${rows.base + index + 1}: ${decoded}`)
    patches.push(...decoded)
  }
  try {
    return decodeStored(applyJsonPatches(base, patches), pid, tag)
  } catch (error) {
    return fail('malformed', `the patches do not apply: ${String(error)}`)
  }
}
