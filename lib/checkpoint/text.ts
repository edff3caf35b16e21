/**
 * A checkpoint as stored text. Most of a checkpoint never changes over a process's life: its
 * pid, its definition, its parent, its inputs as parsed and raw. A process bundled by `bundle`
 * has those serialised once, on its first checkpoint, and every later checkpoint serialises only
 * its snapshot's fields and puts them between. The text is the very same, byte for byte and key
 * for key, as `JSON.stringify(encodeCheckpoint(bundle))`: both are written by the same parts of
 * the codec, in the same order (fields before the snapshot's, the snapshot's, fields after).
 */
import type { Bundle, DefinitionStamp } from './bundle.js'
import {
  encodeCheckpoint,
  snapshotJson,
  writeLeading,
  writeTrailing,
  type CheckpointJson,
} from './codec.js'

/** What a process's checkpoints share, and that text once it is written. */
interface FixedParts {
  readonly pid: string
  readonly definition: DefinitionStamp
  readonly parentPid: string | undefined
  readonly rawInputs: unknown
  /** `{"v":2,"pid":…,"def":…,` up to the snapshot's first field. */
  leading: string | undefined
  /** `,"inputs":…,"raw":…}` after the snapshot's last field (`}` when there is neither). */
  trailing: string | undefined
}

/**
 * By the wire form of a process's inputs, which `bundle` makes once per process (deeply frozen)
 * and puts in every bundle of it: a bundle made any other way finds nothing here and is encoded
 * whole, since nothing says its inputs will not change under it.
 */
const fixedByInputs = new WeakMap<object, FixedParts>()

/**
 * Remember `first` (a process's first bundle, whose `inputs` object every later bundle of the
 * process shares) as the one whose fixed parts later bundles of the process may reuse.
 */
export const keepFixedParts = (first: Bundle): void => {
  const inputs = first.inputs
  if (typeof inputs !== 'object' || inputs === null) return
  fixedByInputs.set(inputs, {
    pid: first.pid,
    definition: first.definition,
    parentPid: first.parentPid,
    rawInputs: first.rawInputs,
    leading: undefined,
    trailing: undefined,
  })
}

/** The stored text of a bundle: its compact JSON form. */
export const checkpointText = (bundle: Bundle): string => {
  const fixed = fixedPartsOf(bundle)
  if (fixed === undefined) return JSON.stringify(encodeCheckpoint(bundle))
  const leading = (fixed.leading ??= leadingText(bundle))
  const trailing = (fixed.trailing ??= trailingText(bundle))
  // The snapshot always writes its state, so its object is never empty.
  const own = JSON.stringify(snapshotJson(bundle.snapshot))
  return leading + own.slice(1, -1) + trailing
}

/** @internal Whether `checkpointText` writes `bundle` from its process's fixed parts. */
export const writtenFromFixedParts = (bundle: Bundle): boolean => fixedPartsOf(bundle) !== undefined

const fixedPartsOf = (bundle: Bundle): FixedParts | undefined => {
  const inputs = bundle.inputs
  if (typeof inputs !== 'object' || inputs === null) return undefined
  const fixed = fixedByInputs.get(inputs)
  return fixed !== undefined &&
    fixed.pid === bundle.pid &&
    fixed.definition === bundle.definition &&
    fixed.parentPid === bundle.parentPid &&
    fixed.rawInputs === bundle.rawInputs
    ? fixed
    : undefined
}

const leadingText = (bundle: Bundle): string => {
  const json: Partial<CheckpointJson> = {}
  writeLeading(bundle, json)
  const text = JSON.stringify(json)
  return `${text.slice(0, -1)},`
}

const trailingText = (bundle: Bundle): string => {
  const json: Partial<CheckpointJson> = {}
  writeTrailing(bundle, json)
  const text = JSON.stringify(json)
  return text === '{}' ? '}' : `,${text.slice(1)}`
}
