/**
 * The checkpoint codec: a bundle as compact, readable JSON, and back through io-ts. Defaults are
 * left out (not paused, no status, empty inputs, outputs and context), so a checkpoint of a small
 * work chain is about a hundred bytes. Decoding checks the shape and the state's own rules, and
 * never runs anything named by the data.
 */
import * as E from 'fp-ts/lib/Either.js'
import { freeze } from 'immer'
import * as t from 'io-ts'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import type { ErrorInfo } from '../process/errors.js'
import type { Journal, Position } from '../process/position.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import {
  STATE_NAMES,
  isTerminal,
  type Pending,
  type ProcessState,
  type StateName,
} from '../process/state.js'
import type { Bundle } from './bundle.js'
import { shortReport } from './decode-report.js'
import { CheckpointError } from './errors.js'

const StateNameC = t.keyof(
  Object.fromEntries(STATE_NAMES.map((n) => [n, null])) as Record<StateName, null>,
  'StateName',
)

const Index = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0')

const ErrorInfoC = t.intersection([
  t.type({ name: t.string, message: t.string }),
  t.partial({ stack: t.string }),
])

const PendingC = t.intersection([
  t.type({ key: t.string }),
  t.union([t.type({ child: t.string }), t.type({ promise: t.string })]),
  t.partial({ append: t.literal(true), done: t.literal(true), value: t.unknown }),
])

/** A journal entry as a pair: what the suspension asked for, and the answer it got. */
const JournalEntryC = t.tuple([t.string, t.unknown])

const JsonObject = t.UnknownRecord

/** `name@version#hash`. */
const DEF_PATTERN = /^(.+)@(\d+)#([0-9a-f]{8})$/

/** The JSON form of a checkpoint. */
export const CheckpointJson = t.intersection([
  t.type({
    v: t.union([t.literal(1), t.literal(2)]),
    pid: t.string,
    def: t.string,
    state: StateNameC,
  }),
  t.partial({
    parent: t.string,
    step: t.string,
    args: t.array(t.unknown),
    at: t.array(Index),
    journal: t.array(t.unknown),
    asked: t.string,
    resumed: t.literal(true),
    msg: t.string,
    data: t.unknown,
    awaiting: t.array(PendingC),
    result: t.unknown,
    ok: t.boolean,
    exit: t.number,
    exitMsg: t.string,
    error: ErrorInfoC,
    paused: t.literal(true),
    status: t.string,
    prePause: t.string,
    inputs: JsonObject,
    raw: t.unknown,
    outputs: JsonObject,
    ctx: JsonObject,
  }),
])

/** The JSON form of a checkpoint, as a type. */
export type CheckpointJson = t.TypeOf<typeof CheckpointJson>

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Encode a bundle as its JSON form (a plain object; `JSON.stringify` it to store it). */
export const encodeCheckpoint = (b: Bundle): CheckpointJson => {
  const s = b.snapshot
  const json: Mutable<CheckpointJson> = {
    v: 2,
    pid: b.pid,
    def: `${b.definition.name}@${b.definition.version}#${b.definition.hash}`,
    state: s.state._tag,
  }
  if (b.parentPid !== undefined) json.parent = b.parentPid
  encodeState(s.state, json)
  if (s.paused) json.paused = true
  if (s.status !== undefined) json.status = s.status
  if (s.prePauseStatus !== undefined) json.prePause = s.prePauseStatus
  if (!isEmpty(b.inputs)) json.inputs = b.inputs as Record<string, unknown>
  if (!isEmpty(b.rawInputs)) json.raw = b.rawInputs
  if (!isEmpty(s.outputs)) json.outputs = s.outputs as Record<string, unknown>
  if (!isEmpty(s.ctx)) json.ctx = s.ctx as Record<string, unknown>
  return json
}

const encodeState = (state: ProcessState, json: Mutable<CheckpointJson>): void => {
  switch (state._tag) {
    case 'CREATED':
      return encodePosition(state.position, json)
    case 'RUNNING':
      encodePosition(state.position, json)
      if (state.resumed) json.resumed = true
      return
    case 'WAITING':
      encodePosition(state.position, json)
      if (state.message !== undefined) json.msg = state.message
      if (state.data !== undefined) json.data = state.data
      if (state.awaiting.length > 0) json.awaiting = state.awaiting.map(encodePending)
      if (state.asked !== undefined) json.asked = state.asked
      return
    case 'FINISHED':
      if (state.result !== undefined) json.result = state.result
      if (!state.successful) json.ok = false
      if (state.exitStatus !== 0) json.exit = state.exitStatus
      if (state.exitMessage !== undefined) json.exitMsg = state.exitMessage
      return
    case 'EXCEPTED':
      json.error = state.error
      return
    case 'KILLED':
      if (state.message !== undefined) json.msg = state.message
      return
  }
}

const encodePosition = (position: Position, json: Mutable<CheckpointJson>): void => {
  if (position._tag === 'Step') {
    json.step = position.step
    if (position.args.length > 0) json.args = [...position.args]
  } else {
    json.at = [...position.cursor]
  }
  if (position.journal !== undefined)
    json.journal = position.journal.entries.map((entry) => [entry.asked, entry.answer])
}

const encodePending = (p: Pending): t.TypeOf<typeof PendingC> => ({
  key: p.key,
  ...(p.ref._tag === 'Child' ? { child: p.ref.pid } : { promise: p.ref.id }),
  ...(p.append ? { append: true as const } : {}),
  ...(p.done ? { done: true as const, value: p.value } : {}),
})

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
  // Every codec here only checks (none transforms), so a value that passes the guard is its own
  // decoding; the guard allocates nothing, and `decode` runs only to report what is wrong. Only
  // for parsed text: the guard's array check skips the holes a sparse array may have.
  const decoded =
    typeof input === 'string' && CheckpointJson.is(value)
      ? E.right(value)
      : CheckpointJson.decode(value)
  if (E.isLeft(decoded)) {
    const pid =
      typeof (value as { pid?: unknown } | null)?.pid === 'string'
        ? (value as { pid: string }).pid
        : source.pid
    return fail(shortReport(decoded.left), pid, PathReporter.report(decoded).join('\n'))
  }
  const json = decoded.right
  const def = DEF_PATTERN.exec(json.def)
  if (def === null) return fail(`'def' must read name@version#hash, got '${json.def}'`, json.pid)
  if (json.journal !== undefined) {
    if (json.v === 1)
      return fail(
        'written by plumpy-ts 0.1 inside a generator step: its journal does not say what each ' +
          'suspension asked for, so a replay could not be checked; finish it with 0.1',
        json.pid,
      )
    const bad = json.journal.findIndex((entry) => !JournalEntryC.is(entry))
    if (bad >= 0) return fail(`journal[${bad}]: expected an [asked, answer] pair`, json.pid)
  }
  const state = decodeState(json)
  if (typeof state === 'string') return fail(state, json.pid)
  const snapshot: ProcessSnapshot = {
    pid: json.pid,
    state,
    paused: json.paused === true,
    status: json.status,
    prePauseStatus: json.prePause,
    stepping: false,
    pendingPause: undefined,
    pendingKill: undefined,
    closed: isTerminal(state),
    ctx: freeze(json.ctx ?? {}, true),
    outputs: freeze(json.outputs ?? {}, true),
  }
  return E.right({
    pid: json.pid,
    definition: { name: def[1] as string, version: Number(def[2]), hash: def[3] as string },
    parentPid: json.parent,
    snapshot,
    inputs: json.inputs ?? {},
    rawInputs: json.raw ?? {},
  })
}

const decodeState = (json: CheckpointJson): ProcessState | string => {
  const needsPosition =
    json.state === 'CREATED' || json.state === 'RUNNING' || json.state === 'WAITING'
  const position = decodePosition(json)
  if (needsPosition && position === undefined)
    return `a ${json.state} checkpoint needs a position ('step' or 'at')`
  if (json.step !== undefined && json.at !== undefined) return `'step' and 'at' cannot both be set`
  switch (json.state) {
    case 'CREATED':
      return { _tag: 'CREATED', position: position as Position }
    case 'RUNNING':
      return { _tag: 'RUNNING', position: position as Position, resumed: json.resumed === true }
    case 'WAITING':
      return {
        _tag: 'WAITING',
        position: position as Position,
        message: json.msg,
        data: json.data,
        awaiting: (json.awaiting ?? []).map(decodePending),
        asked: json.asked,
      }
    case 'FINISHED':
      return {
        _tag: 'FINISHED',
        result: json.result,
        successful: json.ok ?? true,
        exitStatus: json.exit ?? 0,
        exitMessage: json.exitMsg,
      }
    case 'EXCEPTED':
      if (json.error === undefined) return `an EXCEPTED checkpoint needs its 'error'`
      return { _tag: 'EXCEPTED', error: json.error as ErrorInfo }
    case 'KILLED':
      return { _tag: 'KILLED', message: json.msg }
  }
}

const decodePosition = (json: CheckpointJson): Position | undefined => {
  const journal: Journal | undefined =
    json.journal === undefined
      ? undefined
      : {
          entries: (json.journal as [string, unknown][]).map(([asked, answer]) => ({
            asked,
            answer,
          })),
        }
  const extra = journal === undefined ? {} : { journal }
  if (json.step !== undefined)
    return { _tag: 'Step', step: json.step, args: json.args ?? [], ...extra }
  if (json.at !== undefined) return { _tag: 'Outline', cursor: json.at, ...extra }
  return undefined
}

const decodePending = (p: t.TypeOf<typeof PendingC>): Pending => ({
  key: p.key,
  ref: 'child' in p ? { _tag: 'Child', pid: p.child } : { _tag: 'Promise', id: p.promise },
  append: p.append === true,
  done: p.done === true,
  ...(p.done === true ? { value: p.value } : {}),
})

/**
 * Empty as JSON sees it (what a stored checkpoint would hold): left out of the encoding. A plain
 * object with one key JSON keeps is not empty, which saves serialising the whole context a second
 * time on every checkpoint; anything less obvious is asked of `JSON.stringify`.
 */
const isEmpty = (value: unknown): boolean => {
  if (value === undefined) return true
  if (isPlainJson(value)) for (const key in value) if (keptByJson(value[key])) return false
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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The in-memory form (`{ pid, definition, snapshot, ... }`) rather than the stored one. */
const isBundleShaped = (value: unknown): value is Record<string, unknown> =>
  isObject(value) &&
  isObject(value['snapshot']) &&
  isObject(value['definition']) &&
  isObject(value['snapshot']['state'])
