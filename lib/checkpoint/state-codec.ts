/**
 * The process state in a checkpoint's flat JSON form, one part per state: the `state` field
 * names it, and each state reads and writes its own fields (a position as `step` and `args` or
 * as `at`, with a journal; what a WAITING process awaits; a FINISHED one's result and exit
 * code…). Defaults are left out: `ok` only when false, `exit` only when not 0, no empty lists.
 */
import * as t from 'io-ts'
import {
  childRef,
  promiseRef,
  signalRef,
  timerRef,
  type AwaitableRef,
} from '../process/awaitable.js'
import type { ErrorInfo } from '../process/errors.js'
import type { JournalEntry, Position } from '../process/position.js'
import {
  STATE_NAMES,
  type Created,
  type Excepted,
  type Finished,
  type Killed,
  type Pending,
  type ProcessState,
  type Running,
  type StateName,
  type Waiting,
} from '../process/state.js'
import { FlatCodec, denseArray, flatPart, refuse, tagged } from './flat.js'
import { EntryRetryJson, readEntryRetry, writeEntryRetry } from './entry-retry-codec.js'

/** The state's name, as the `state` field holds it. */
export const StateNameJson = t.keyof(
  Object.fromEntries(STATE_NAMES.map((name) => [name, null])) as Record<StateName, null>,
  'StateName',
)

/** A generator step's journal: `[asked, answer]` pairs (checked one by one when read). */
export const JournalJson = t.array(t.unknown)

const Index = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0')
const JournalEntryJson = t.tuple([t.string, t.unknown])

/**
 * Where a live process is: a step of a plain process (`step`, and `args` unless there are none)
 * or a work chain's cursor (`at`); with the journal of a generator step suspended inside itself.
 */
const PositionPart = flatPart(
  {
    required: { state: StateNameJson },
    optional: {
      step: t.string,
      args: t.array(t.unknown),
      at: denseArray(Index),
      journal: JournalJson,
    },
  },
  {
    read: (json): Position => {
      if (json.step !== undefined && json.at !== undefined)
        return refuse(`'step' and 'at' cannot both be set`)
      const position: Position =
        json.step !== undefined
          ? { _tag: 'Step', step: json.step, args: json.args ?? [] }
          : json.at !== undefined
            ? { _tag: 'Outline', cursor: json.at }
            : refuse(`a ${json.state} checkpoint needs a position ('step' or 'at')`)
      if (json.journal === undefined) return position
      const entries: JournalEntry[] = []
      for (let i = 0; i < json.journal.length; i++) {
        const entry = json.journal[i]
        if (!JournalEntryJson.is(entry)) refuse(`journal[${i}]: expected an [asked, answer] pair`)
        entries.push({ asked: entry[0], answer: entry[1] })
      }
      return { ...position, journal: { entries } }
    },
    write: (position, json) => {
      switch (position._tag) {
        case 'Step':
          json.step = position.step
          if (position.args.length > 0) json.args = [...position.args]
          break
        case 'Outline':
          json.at = [...position.cursor]
          break
      }
      if (position.journal !== undefined)
        json.journal = position.journal.entries.map((entry) => [entry.asked, entry.answer])
    },
  },
)

/** A timer's deadline: a whole number of ms since the epoch. */
const Deadline = t.refinement(t.number, Number.isSafeInteger, 'a whole number of ms')

/** What is awaited, by the one field that names it. */
const RefJson = t.union(
  [
    t.type({ child: t.string }),
    t.type({ promise: t.string }),
    t.type({ timer: Deadline }),
    t.type({ signal: t.string }),
  ],
  '{ child | promise | timer | signal }',
)

const readRef = (json: t.TypeOf<typeof RefJson>): AwaitableRef =>
  'child' in json
    ? childRef(json.child)
    : 'promise' in json
      ? promiseRef(json.promise)
      : 'timer' in json
        ? timerRef(json.timer)
        : signalRef(json.signal)

/**
 * One thing a WAITING process awaits: `{ key, child | promise | timer | signal, append?, done?,
 * value?, timeout?, retry? }` (`timer` is the absolute deadline, `signal` the signal's name,
 * `timeout` what a timeout's timer guards, `retry` a retried entry's attempts).
 */
const PendingPart = flatPart(
  {
    required: { key: t.string },
    optional: {
      append: t.literal(true),
      done: t.literal(true),
      value: t.unknown,
      detached: t.literal(true),
      timeout: t.string,
      retry: EntryRetryJson,
    },
    more: [RefJson],
  },
  {
    read: (json): Pending => ({
      key: json.key,
      ref:
        json.detached !== true
          ? readRef(json)
          : 'child' in json
            ? childRef(json.child, true)
            : refuse(`'detached' is only for a child`),
      append: json.append === true,
      done: json.done === true,
      ...(json.done === true ? { value: json.value } : {}),
      ...(json.timeout === undefined ? {} : { timeout: json.timeout }),
      ...(json.retry === undefined ? {} : { retry: readEntryRetry(json.retry, json.key) }),
    }),
    write: (pending, json) => {
      json.key = pending.key
      const ref = pending.ref
      switch (ref._tag) {
        case 'Child':
          ;(json as { child?: string }).child = ref.pid
          if (ref.detached === true) json.detached = true
          break
        case 'Promise':
          ;(json as { promise?: string }).promise = ref.id
          break
        case 'Timer':
          ;(json as { timer?: number }).timer = ref.deadline
          break
        case 'Signal':
          ;(json as { signal?: string }).signal = ref.name
          break
        default:
          return ref satisfies never
      }
      if (pending.append) json.append = true
      if (pending.timeout !== undefined) json.timeout = pending.timeout
      if (pending.retry !== undefined) json.retry = writeEntryRetry(pending.retry)
      if (pending.done) {
        json.done = true
        json.value = pending.value
      }
    },
  },
)

/** The codec of one awaited thing (an element of a WAITING checkpoint's `awaiting`). */
export const PendingCodec = new FlatCodec('Pending', PendingPart)

const CreatedPart = flatPart(
  { parts: [PositionPart] },
  {
    read: (json): Created => ({ _tag: 'CREATED', position: PositionPart.read(json) }),
    write: (state, json) => PositionPart.write(state.position, json),
  },
)

const RunningPart = flatPart(
  { optional: { resumed: t.literal(true) }, parts: [PositionPart] },
  {
    read: (json): Running => ({
      _tag: 'RUNNING',
      position: PositionPart.read(json),
      resumed: json.resumed === true,
    }),
    write: (state, json) => {
      PositionPart.write(state.position, json)
      if (state.resumed) json.resumed = true
    },
  },
)

const WaitingPart = flatPart(
  {
    optional: {
      msg: t.string,
      data: t.unknown,
      awaiting: denseArray(PendingCodec.json),
      asked: t.string,
      // A resume that came while paused: `{}` for `resume()` without a value.
      resumedWith: t.partial({ value: t.unknown }),
      race: t.literal(true),
    },
    parts: [PositionPart],
  },
  {
    read: (json): Waiting => {
      const waiting: Waiting = {
        _tag: 'WAITING',
        position: PositionPart.read(json),
        message: json.msg,
        data: json.data,
        awaiting: json.awaiting === undefined ? [] : json.awaiting.map(PendingPart.read),
        asked: json.asked,
        ...(json.race === true ? { race: true as const } : {}),
      }
      const resumed = json.resumedWith
      return resumed === undefined ? waiting : { ...waiting, resumedWith: { value: resumed.value } }
    },
    write: (state, json) => {
      PositionPart.write(state.position, json)
      if (state.message !== undefined) json.msg = state.message
      if (state.data !== undefined) json.data = state.data
      if (state.awaiting.length > 0) json.awaiting = state.awaiting.map(PendingCodec.encode)
      if (state.asked !== undefined) json.asked = state.asked
      if (state.race === true) json.race = true
      const resumed = state.resumedWith
      if (resumed !== undefined)
        json.resumedWith = resumed.value === undefined ? {} : { value: resumed.value }
    },
  },
)

const FinishedPart = flatPart(
  { optional: { result: t.unknown, ok: t.boolean, exit: t.number, exitMsg: t.string } },
  {
    read: (json): Finished => ({
      _tag: 'FINISHED',
      result: json.result,
      successful: json.ok ?? true,
      exitStatus: json.exit ?? 0,
      exitMessage: json.exitMsg,
    }),
    write: (state, json) => {
      if (state.result !== undefined) json.result = state.result
      if (!state.successful) json.ok = false
      if (state.exitStatus !== 0) json.exit = state.exitStatus
      if (state.exitMessage !== undefined) json.exitMsg = state.exitMessage
    },
  },
)

const ErrorInfoJson: t.Type<ErrorInfo, ErrorInfo, unknown> = t.intersection([
  t.type({ name: t.string, message: t.string }),
  t.partial({ stack: t.string }),
])

const ExceptedPart = flatPart(
  { optional: { error: ErrorInfoJson } },
  {
    read: (json): Excepted => ({
      _tag: 'EXCEPTED',
      error: json.error ?? refuse(`an EXCEPTED checkpoint needs its 'error'`),
    }),
    write: (state, json) => {
      json.error = state.error
    },
  },
)

const KilledPart = flatPart(
  { optional: { msg: t.string } },
  {
    read: (json): Killed => ({ _tag: 'KILLED', message: json.msg }),
    write: (state, json) => {
      if (state.message !== undefined) json.msg = state.message
    },
  },
)

/**
 * Whether what `StatePart` writes of `state` is its name and its position, nothing else: so for
 * a CREATED state, and a RUNNING one that was not resumed (see `CreatedPart`, `RunningPart`).
 * Every such state of one kind at one position is written the same (see `text.ts`).
 */
export const writesPositionOnly = (state: ProcessState): state is Created | Running =>
  state._tag === 'CREATED' || (state._tag === 'RUNNING' && !state.resumed)

/** Every process state, by the `state` field. */
export const StatePart = tagged('state', StateNameJson, {
  CREATED: CreatedPart,
  RUNNING: RunningPart,
  WAITING: WaitingPart,
  FINISHED: FinishedPart,
  EXCEPTED: ExceptedPart,
  KILLED: KilledPart,
})
