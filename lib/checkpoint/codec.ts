/**
 * The checkpoint codec: a bundle as compact, readable JSON, and back, as one io-ts type built
 * from parts whose reading and writing sit side by side (see `flat.ts`): the bundle, which
 * definition it belongs to, its snapshot, and the state (one part per state, with the position
 * and what is awaited, in `state-codec.ts`). Defaults are left out (not paused, no status, empty
 * inputs, outputs and context), so a checkpoint of a small work chain is about a hundred bytes.
 * Decoding checks the shape and the state's own rules, and never runs anything named by the data.
 */
import * as E from 'fp-ts/lib/Either.js'
import { freeze } from 'immer'
import * as t from 'io-ts'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import type { ProcessSnapshot, ReceivedSignal } from '../process/snapshot.js'
import { isTerminal, type ProcessState } from '../process/state.js'
import type { Bundle, DefinitionStamp } from './bundle.js'
import { shortReport } from './decode-report.js'
import { CheckpointError } from './errors.js'
import { FlatCodec, flatPart, refuse, type JsonOf } from './flat.js'
import { RetryPart } from './retry-codec.js'
import { JournalJson, StatePart } from './state-codec.js'

/** A kept signal: `[name, payload]`, or `[name]` when it has none (JSON has no `undefined`). */
type KeptSignalJson = readonly [string] | readonly [string, unknown]

const isKeptSignal = (u: unknown): u is KeptSignalJson =>
  Array.isArray(u) && (u.length === 1 || u.length === 2) && typeof u[0] === 'string'

const KeptSignalJson = new t.Type<KeptSignalJson, KeptSignalJson, unknown>(
  'KeptSignal',
  isKeptSignal,
  (u, c) =>
    isKeptSignal(u) ? t.success(u) : t.failure(u, c, 'a kept signal is [name] or [name, payload]'),
  t.identity,
)

/**
 * A kept signal as `[name, payload]` (`[name]` without one); a kept resume (the signal without a
 * name) as `{ value }`, or `{}` for a resume without a value, as a paused wait keeps it
 * (`resumedWith`).
 */
const InboxEntryJson = t.union([KeptSignalJson, t.partial({ value: t.unknown })])

const readInboxEntry = (entry: t.TypeOf<typeof InboxEntryJson>): ReceivedSignal =>
  isKeptSignal(entry) ? { name: entry[0], payload: entry[1] } : { payload: entry.value }

const writeInboxEntry = (received: ReceivedSignal): t.TypeOf<typeof InboxEntryJson> => {
  if (received.name !== undefined)
    return received.payload === undefined ? [received.name] : [received.name, received.payload]
  return received.payload === undefined ? {} : { value: received.payload }
}

/** The context or outputs a checkpoint leaves out: empty, frozen, so shared. */
const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({})

/** The snapshot's own fields, besides its state's and its retry's. */
const SNAPSHOT_FIELDS = {
  paused: t.literal(true),
  status: t.string,
  prePause: t.string,
  outputs: t.UnknownRecord,
  ctx: t.UnknownRecord,
  inbox: t.array(InboxEntryJson),
}

/** The JSON of the snapshot's fields that follow its state's. */
type SnapshotFieldsJson = t.TypeOf<t.PartialC<typeof SNAPSHOT_FIELDS>> & JsonOf<typeof RetryPart>

/** Write the snapshot's fields that follow its state's, in the order a checkpoint holds them. */
const writeSnapshotFields = (snapshot: ProcessSnapshot, json: SnapshotFieldsJson): void => {
  if (snapshot.paused) json.paused = true
  if (snapshot.status !== undefined) json.status = snapshot.status
  if (snapshot.prePauseStatus !== undefined) json.prePause = snapshot.prePauseStatus
  if (!isEmptyJson(snapshot.outputs)) json.outputs = snapshot.outputs as Record<string, unknown>
  if (!isEmptyJson(snapshot.ctx)) json.ctx = snapshot.ctx as Record<string, unknown>
  if (snapshot.inbox !== undefined && snapshot.inbox.length > 0)
    json.inbox = snapshot.inbox.map(writeInboxEntry)
  RetryPart.write(snapshot.retry, json)
}

/**
 * The snapshot (with `inbox`: the signals, and the resume, received before they were waited
 * for; and `retry`, a guarded step's attempts). A checkpoint is taken between steps, so nothing is stepping and no interruption
 * waits for a step; `closed` follows from the state, and the pid is the bundle's. The context and
 * the outputs are deeply frozen when read, like a live process's.
 */
const SnapshotPart = flatPart(
  {
    required: { pid: t.string },
    optional: SNAPSHOT_FIELDS,
    parts: [StatePart, RetryPart],
  },
  {
    read: (json): ProcessSnapshot => {
      const resumes = json.inbox?.filter((entry) => !isKeptSignal(entry)).length ?? 0
      if (resumes > 1) refuse(`'inbox' holds ${resumes} resumes: a process keeps one at most`)
      const state = StatePart.read(json)
      const retry = RetryPart.read(json)
      const snapshot: ProcessSnapshot = {
        pid: json.pid,
        state,
        paused: json.paused === true,
        status: json.status,
        stepping: false,
        closed: isTerminal(state),
        ctx: json.ctx === undefined ? EMPTY : freeze(json.ctx, true),
        outputs: json.outputs === undefined ? EMPTY : freeze(json.outputs, true),
      }
      const inbox = json.inbox
      // The rarely set fields are absent when unset (see `ProcessSnapshot`).
      if (json.prePause === undefined && inbox === undefined && retry === undefined) return snapshot
      return {
        ...snapshot,
        ...(json.prePause === undefined ? {} : { prePauseStatus: json.prePause }),
        ...(inbox === undefined || inbox.length === 0 ? {} : { inbox: inbox.map(readInboxEntry) }),
        ...(retry === undefined ? {} : { retry }),
      }
    },
    write: (snapshot, json) => {
      StatePart.write(snapshot.state, json)
      writeSnapshotFields(snapshot, json)
    },
  },
)

/** `name@version#hash`. */
const DEF_PATTERN = /^(.+)@(\d+)#([0-9a-f]{8})$/

/**
 * The stamps of the `def`s read lately: a store holds the checkpoints of a few definitions, so
 * reading one needs no pattern match and no new stamp. Stamps are frozen, so they can be shared.
 */
const readStamps = new Map<string, DefinitionStamp>()

/** How many `def`s `readStamps` keeps before it starts again. */
const READ_STAMPS = 256

/** Which definition the checkpoint belongs to, as `def`: `name@version#hash`. */
const DefinitionPart = flatPart(
  { required: { def: t.string } },
  {
    read: (json): DefinitionStamp => {
      const known = readStamps.get(json.def)
      if (known !== undefined) return known
      const parts = DEF_PATTERN.exec(json.def)
      if (parts === null) return refuse(`'def' must read name@version#hash, got '${json.def}'`)
      const stamp = Object.freeze({
        name: parts[1] as string,
        version: Number(parts[2]),
        hash: parts[3] as string,
      })
      if (readStamps.size >= READ_STAMPS) readStamps.clear()
      readStamps.set(json.def, stamp)
      return stamp
    },
    write: (stamp, json) => {
      json.def = `${stamp.name}@${stamp.version}#${stamp.hash}`
    },
  },
)

/** The form's version: 2 since journal entries say what each suspension asked for. */
const VERSION = 2

/**
 * The bundle: which process of which definition, its inputs (as parsed, and raw), its snapshot;
 * and the form's version. Version 1 still reads, unless it holds a journal: its entries were
 * answers only, so a replay of the step could not be checked.
 */
const BundlePart = flatPart(
  {
    required: { v: t.union([t.literal(1), t.literal(VERSION)]), pid: t.string },
    optional: { parent: t.string, inputs: t.UnknownRecord, raw: t.unknown, journal: JournalJson },
    parts: [DefinitionPart, SnapshotPart],
  },
  {
    read: (json): Bundle => {
      if (json.v === 1 && json.journal !== undefined)
        refuse(
          'written by plumpy-ts 0.1 inside a generator step: its journal does not say what each ' +
            'suspension asked for, so a replay could not be checked; finish it with 0.1',
        )
      return {
        pid: json.pid,
        definition: DefinitionPart.read(json),
        parentPid: json.parent,
        snapshot: SnapshotPart.read(json),
        inputs: json.inputs ?? {},
        rawInputs: json.raw ?? {},
      }
    },
    write: (bundle, json) => {
      writeLeading(bundle, json)
      SnapshotPart.write(bundle.snapshot, json)
      writeTrailing(bundle, json)
    },
  },
)

/**
 * The fields a checkpoint writes before its snapshot's: the same for every checkpoint of a
 * process (see `text.ts`, which serialises them once per process).
 */
export const writeLeading = (bundle: Bundle, json: Partial<CheckpointJson>): void => {
  json.v = VERSION
  json.pid = bundle.pid
  DefinitionPart.write(bundle.definition, json as CheckpointJson)
  if (bundle.parentPid !== undefined) json.parent = bundle.parentPid
}

/** The fields a checkpoint writes after its snapshot's: a process's inputs, as parsed and raw. */
export const writeTrailing = (bundle: Bundle, json: Partial<CheckpointJson>): void => {
  if (!isEmptyJson(bundle.inputs)) json.inputs = bundle.inputs as Record<string, unknown>
  if (!isEmptyJson(bundle.rawInputs)) json.raw = bundle.rawInputs
}

/**
 * The fields a checkpoint writes for the snapshot's state (`state`, the position, the state's
 * own), which come first among the snapshot's; see `text.ts`, which keeps the text of those that
 * depend on the position alone.
 */
export const stateJson = (state: ProcessState): Partial<CheckpointJson> => {
  const json = {} as CheckpointJson
  StatePart.write(state, json)
  return json
}

/** The snapshot's fields that follow its state's (the context, the outputs…), in order. */
export const snapshotFieldsJson = (snapshot: ProcessSnapshot): Partial<CheckpointJson> => {
  const json = {} as CheckpointJson
  writeSnapshotFields(snapshot, json)
  return json
}

/**
 * The checkpoint codec: `CheckpointCodec.decode(json)` checks a checkpoint's JSON form and reads
 * it as a bundle (an io-ts error per wrong field, by its path, or one naming the rule it breaks);
 * `CheckpointCodec.encode(bundle)` writes the form back. `decodeCheckpoint` and
 * `encodeCheckpoint` wrap it for stores.
 */
export const CheckpointCodec = new FlatCodec('Checkpoint', BundlePart)

/** The JSON form of a checkpoint: an io-ts type that only checks (the codec's `json`). */
export const CheckpointJson = CheckpointCodec.json

/** The JSON form of a checkpoint, as a type. */
export type CheckpointJson = t.TypeOf<typeof CheckpointJson>

/** Encode a bundle as its JSON form (a plain object; `JSON.stringify` it to store it). */
export const encodeCheckpoint = (b: Bundle): CheckpointJson => CheckpointCodec.encode(b)

/** Where a checkpoint came from, for error messages. */
export interface CheckpointSource {
  readonly pid?: string
  readonly tag?: string
}

/**
 * Decode a checkpoint's JSON form (already parsed, or as text). Any problem is a
 * `CheckpointError` naming the pid, the tag and the reason; this function never throws.
 */
export const decodeCheckpoint = (
  input: unknown,
  source: CheckpointSource = {},
): E.Either<CheckpointError, Bundle> => {
  const fail = (reason: string, pid = source.pid, detail?: string) =>
    E.left(new CheckpointError('malformed', pid, source.tag, reason, detail))
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      return E.left(
        new CheckpointError('unreadable', source.pid, source.tag, `not JSON: ${String(error)}`),
      )
    }
  }
  // A bundle itself, sent through JSON (which drops its `undefined` fields), loads too: it is
  // brought to the checkpoint form, which is then checked like any other.
  if (isBundleShaped(value)) {
    const pid = typeof value['pid'] === 'string' ? value['pid'] : undefined
    try {
      value = encodeCheckpoint(value as unknown as Bundle)
    } catch (error) {
      return fail(`not a bundle: ${String(error)}`, pid)
    }
  }
  // Text is parsed here, so its object holds nothing but its own fields.
  const decoded =
    typeof input === 'string' ? CheckpointCodec.decodeParsed(value) : CheckpointCodec.decode(value)
  if (E.isRight(decoded)) return decoded
  const claimed = (value as { pid?: unknown } | null)?.pid
  const pid = typeof claimed === 'string' ? claimed : source.pid
  // A broken rule is one reason, said in full; wrong fields are summed up, with every one of
  // them in the detail.
  const ruleBroken = decoded.left.every((error) => error.message !== undefined)
  return fail(
    shortReport(decoded.left),
    pid,
    ruleBroken ? undefined : PathReporter.report(decoded).join('\n'),
  )
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The in-memory form (`{ pid, definition, snapshot, ... }`) rather than the stored one. */
const isBundleShaped = (value: unknown): value is Record<string, unknown> =>
  isObject(value) &&
  isObject(value['snapshot']) &&
  isObject(value['definition']) &&
  isObject(value['snapshot']['state'])

/**
 * Empty as JSON sees it (what a stored checkpoint would hold): left out of the encoding. A plain
 * object with one key JSON keeps is not empty, which saves serialising the whole context a second
 * time on every checkpoint; anything less obvious is asked of `JSON.stringify`.
 */
const isEmptyJson = (value: unknown): boolean => {
  if (value === undefined) return true
  if (isPlainJson(value)) {
    let keys = false
    for (const key in value) {
      if (keptByJson(value[key])) return false
      keys = true
    }
    // A plain object without a key (a process's outputs until its first `out`) is `{}`.
    if (!keys && !Array.isArray(value)) return true
  }
  return JSON.stringify(value) === '{}'
}

/** An object JSON serialises key by key: a plain object or an array, without `toJSON`. */
const isPlainJson = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || 'toJSON' in value) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null || Array.isArray(value)
}

/** A value `JSON.stringify` keeps under its key (it drops undefined, functions and symbols). */
const keptByJson = (value: unknown): boolean =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'number' ||
  typeof value === 'boolean' ||
  isPlainJson(value)
