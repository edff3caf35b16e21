/**
 * A checkpoint as stored text. Most of a checkpoint never changes over a process's life: its
 * pid, its definition, its parent, its inputs as parsed and raw. A process bundled by `bundle`
 * has those serialised once, on its first checkpoint, and every later checkpoint serialises only
 * its snapshot's fields and puts them between. The text is the very same, byte for byte and key
 * for key, as `JSON.stringify(encodeCheckpoint(bundle))`: both are written by the same parts of
 * the codec, in the same order (fields before the snapshot's, the snapshot's, fields after).
 *
 * Of the snapshot's fields, those of its state come first, and most states are written from
 * their position alone (`writesPositionOnly`): a work chain's positions are its places' own,
 * frozen and shared (`lib/workchain/places.ts`), so that text is kept by position and written
 * once per place. The fields that follow (the context, the outputs…) are serialised value by
 * value: `JSON.stringify` costs about as much again for each object it goes into, and these
 * values sit in an object of their own only to be written.
 */
import type { OutlinePosition, Position } from '../process/position.js'
import type { Created, ProcessState, Running } from '../process/state.js'
import type { Bundle, DefinitionStamp } from './bundle.js'
import {
  encodeCheckpoint,
  snapshotFieldsJson,
  stateJson,
  writeLeading,
  writeTrailing,
  type CheckpointJson,
} from './codec.js'
import { writesPositionOnly } from './state-codec.js'

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
  // A state always writes its name, so its text is never empty.
  const state = stateText(bundle.snapshot.state)
  const fields = fieldsText(snapshotFieldsJson(bundle.snapshot))
  return fields === '' ? leading + state + trailing : `${leading}${state},${fields}${trailing}`
}

/** The state texts of positions: `"state":"RUNNING","at":[0]`, by the state's name. */
const stateTexts = new WeakMap<OutlinePosition, Partial<Record<ProcessState['_tag'], string>>>()

/**
 * The text of a state's fields. A state written from its position alone, at a position that can
 * never change (frozen, its cursor too, and no journal), has it kept on the position.
 */
const stateText = (state: ProcessState): string => {
  if (!stateTextKept(state)) return fieldsText(stateJson(state))
  const position = (state as Created | Running).position as OutlinePosition
  let texts = stateTexts.get(position)
  if (texts === undefined) stateTexts.set(position, (texts = {}))
  return (texts[state._tag] ??= fieldsText(stateJson(state)))
}

const isFixedPosition = (position: Position): position is OutlinePosition =>
  position._tag === 'Outline' &&
  position.journal === undefined &&
  Object.isFrozen(position) &&
  Object.isFrozen(position.cursor)

/** `"ctx":`, by key: the keys are the codec's few field names. */
const keyTexts = new Map<string, string>()

/**
 * The fields of `json`, as `JSON.stringify(json)` writes them between its braces: each key and
 * value in order, a value that JSON leaves out (undefined) left out. The values are JSON data
 * (checked where they entered a process), which has no `toJSON` to be called with its key.
 */
const fieldsText = (json: Partial<CheckpointJson>): string => {
  let text = ''
  for (const key in json) {
    const value = JSON.stringify(json[key as keyof CheckpointJson])
    if (value === undefined) continue
    let keyText = keyTexts.get(key)
    if (keyText === undefined) keyTexts.set(key, (keyText = `${JSON.stringify(key)}:`))
    text = text === '' ? keyText + value : `${text},${keyText}${value}`
  }
  return text
}

/** @internal Whether `checkpointText` keeps the text of `state` on its position. */
export const stateTextKept = (state: ProcessState): boolean =>
  writesPositionOnly(state) && isFixedPosition(state.position)

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
