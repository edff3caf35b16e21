/**
 * The messages processes, launchers and controllers exchange, as io-ts codecs: every incoming
 * message is decoded, and a malformed one is refused with the reason instead of crashing anyone.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { pidProblem } from '../runtime/pid.js'
import { WaitItemJson, type WaitItem } from '../waits/describe.js'
import { KeptItemJson, type KeptItem } from '../waits/inbox.js'
import type { MessageOrigin } from './communicator.js'
import { InvalidMessageError } from './errors.js'

/** A pid as `pidProblem` defines it; one that breaks the rule is refused with the reason. */
export const Pid = new t.Type<string, string, unknown>(
  'Pid',
  (value): value is string => pidProblem(value) === undefined,
  (value, context) => {
    const problem = pidProblem(value)
    return problem === undefined ? t.success(value as string) : t.failure(value, context, problem)
  },
  t.identity,
)

/**
 * What a process answers to: status, pause, play, kill (RPC or broadcast), and signals (RPC:
 * a signal's name and its payload in JSON form; without a name, a resume and its value).
 */
export const IntentMessage = t.union([
  t.type({ intent: t.literal('status') }),
  t.intersection([
    t.type({ intent: t.literal('signal') }),
    t.partial({ name: t.string, payload: t.unknown }),
  ]),
  t.intersection([t.type({ intent: t.literal('pause') }), t.partial({ message: t.string })]),
  t.type({ intent: t.literal('play') }),
  t.intersection([
    t.type({ intent: t.literal('kill') }),
    t.partial({ message: t.string, force: t.boolean }),
  ]),
])
export type IntentMessage = t.TypeOf<typeof IntentMessage>

/** Tasks a `ProcessLauncher` takes. */
export const LaunchTask = t.intersection([
  t.type({ task: t.literal('launch'), definition: t.string, pid: Pid }),
  t.partial({ inputs: t.unknown, persist: t.boolean, nowait: t.boolean }),
])
export const ContinueTask = t.intersection([
  t.type({ task: t.literal('continue'), pid: Pid }),
  // `follow`: a sender waits for the outcome, even if the process runs on another worker.
  t.partial({ tag: t.string, nowait: t.boolean, follow: t.boolean }),
])
export const CreateTask = t.intersection([
  t.type({ task: t.literal('create'), definition: t.string, pid: Pid }),
  t.partial({ inputs: t.unknown, persist: t.boolean }),
])
export type LaunchTask = t.TypeOf<typeof LaunchTask>
export type ContinueTask = t.TypeOf<typeof ContinueTask>
export type CreateTask = t.TypeOf<typeof CreateTask>
export const LauncherTask = t.union([LaunchTask, ContinueTask, CreateTask])
export type LauncherTask = t.TypeOf<typeof LauncherTask>

const LAUNCHER_TASKS: Readonly<Record<string, t.Decoder<unknown, LauncherTask>>> = {
  launch: LaunchTask,
  continue: ContinueTask,
  create: CreateTask,
}

/**
 * Decode a launcher task by its `task` field, then its shape: the error names what is wrong
 * with a task of that kind, not with every kind it is not.
 */
export const decodeLauncherTask = (value: unknown): LauncherTask => {
  const kind =
    typeof value === 'object' && value !== null ? (value as { task?: unknown }).task : undefined
  const codec =
    typeof kind === 'string' && Object.hasOwn(LAUNCHER_TASKS, kind)
      ? LAUNCHER_TASKS[kind]
      : undefined
  if (codec === undefined)
    throw new InvalidMessageError(
      `malformed message: task: expected "launch", "continue" or "create", got ${shown(kind)}`,
    )
  return decodeMessage(codec, value)
}

/** A process's answer to `status`. */
export interface ProcessStatus {
  /** Creation time, in seconds since the epoch (as plumpy reports it). */
  readonly ctime: number
  readonly paused: boolean
  readonly process_string: string
  readonly state: string
  readonly status?: string
  /** What it waits for, when WAITING (ours: plumpy has no such field). */
  readonly waits?: readonly WaitItem[]
  /** What it keeps in its inbox (a resume, signals), when anything (ours). */
  readonly inbox?: readonly KeptItem[]
}

/** The codec of a `status` answer, as a controller checks it. */
export const ProcessStatusReply: t.Type<ProcessStatus, unknown, unknown> = t.intersection(
  [
    t.type({ ctime: t.number, paused: t.boolean, process_string: t.string, state: t.string }),
    t.partial({
      status: t.string,
      waits: t.readonlyArray(WaitItemJson),
      inbox: t.readonlyArray(KeptItemJson),
    }),
  ],
  'ProcessStatus',
)

/** A value in an error message: JSON, cut after 100 characters. */
const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 100 ? `${text.slice(0, 100)}…` : text
}

/**
 * io-ts errors in a line: `path: expected type, got value` (or the codec's own reason, when it
 * gives one), once per path. (PathReporter's report repeats the whole envelope type for every
 * branch of every union.)
 */
export const describeErrors = (errors: t.Errors): string => {
  const lines = new Set<string>()
  for (const error of errors) {
    const named = error.context.filter((entry) => entry.key !== '' && !/^\d+$/.test(entry.key))
    const last = named[named.length - 1] ?? error.context[0]
    const path = named.map((entry) => entry.key).join('.') || 'message'
    const what = error.message ?? `expected ${last?.type.name ?? '?'}`
    lines.add(`${path}: ${what}, got ${shown(error.value)}`)
  }
  return [...lines].slice(0, 3).join('; ')
}

/** Decode a message or say precisely what is wrong with it. */
export const decodeMessage = <A>(codec: t.Decoder<unknown, A>, value: unknown): A => {
  const decoded = codec.decode(value)
  if (E.isRight(decoded)) return decoded.right
  throw new InvalidMessageError(`malformed message: ${describeErrors(decoded.left)}`)
}

/** The broadcast subject of a process's state change (`from` is `None` for the first). */
export const stateChangedSubject = (from: string | null, to: string): string =>
  `state_changed.${from ?? 'None'}.${to}`

/**
 * The broadcast subject of a pause or a play, which leaves the state as it is
 * (`pause_changed.paused`, `pause_changed.played`; body `{ pid, paused, state, parent? }`).
 */
export const pauseChangedSubject = (paused: boolean): string =>
  `pause_changed.${paused ? 'paused' : 'played'}`

/**
 * ` (message <id> from <sender>)`, or as much of it as is known (nothing when nothing is): the
 * end of a log line about a message.
 */
export const describeOrigin = (origin: MessageOrigin | undefined): string => {
  const parts = [
    ...(origin?.messageId === undefined ? [] : [`message ${origin.messageId}`]),
    ...(origin?.sender === undefined ? [] : [`from ${origin.sender}`]),
  ]
  return parts.length === 0 ? '' : ` (${parts.join(' ')})`
}

/** An error's message on one line (some, like invalid inputs, list one problem per line). */
export const reasonOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ')
