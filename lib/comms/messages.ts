/**
 * The messages processes, launchers and controllers exchange, as io-ts codecs: every incoming
 * message is decoded, and a malformed one is refused with the reason instead of crashing anyone.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { MessageOrigin } from './communicator.js'
import { InvalidMessageError } from './errors.js'

/** What a process answers to: status, pause, play, kill (RPC or broadcast). */
export const IntentMessage = t.union([
  t.type({ intent: t.literal('status') }),
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
  t.type({ task: t.literal('launch'), definition: t.string, pid: t.string }),
  t.partial({ inputs: t.unknown, persist: t.boolean, nowait: t.boolean }),
])
export const ContinueTask = t.intersection([
  t.type({ task: t.literal('continue'), pid: t.string }),
  // `follow`: a sender waits for the outcome, even if the process runs on another worker.
  t.partial({ tag: t.string, nowait: t.boolean, follow: t.boolean }),
])
export const CreateTask = t.intersection([
  t.type({ task: t.literal('create'), definition: t.string, pid: t.string }),
  t.partial({ inputs: t.unknown, persist: t.boolean }),
])
export type LaunchTask = t.TypeOf<typeof LaunchTask>
export type ContinueTask = t.TypeOf<typeof ContinueTask>
export type CreateTask = t.TypeOf<typeof CreateTask>
export const LauncherTask = t.union([LaunchTask, ContinueTask, CreateTask])
export type LauncherTask = t.TypeOf<typeof LauncherTask>

/** A process's answer to `status`. */
export interface ProcessStatus {
  /** Creation time, in seconds since the epoch (as plumpy reports it). */
  readonly ctime: number
  readonly paused: boolean
  readonly process_string: string
  readonly state: string
  readonly status?: string
}

/** The codec of a `status` answer, as a controller checks it. */
export const ProcessStatusReply: t.Type<ProcessStatus, unknown, unknown> = t.intersection(
  [
    t.type({ ctime: t.number, paused: t.boolean, process_string: t.string, state: t.string }),
    t.partial({ status: t.string }),
  ],
  'ProcessStatus',
)

/**
 * io-ts errors in a line: `path: expected type, got value`, once per path. (PathReporter's
 * report repeats the whole envelope type for every branch of every union.)
 */
export const describeErrors = (errors: t.Errors): string => {
  const lines = new Set<string>()
  for (const error of errors) {
    const named = error.context.filter((entry) => entry.key !== '' && !/^\d+$/.test(entry.key))
    const last = named[named.length - 1] ?? error.context[0]
    const path = named.map((entry) => entry.key).join('.') || 'message'
    lines.add(`${path}: expected ${last?.type.name ?? '?'}, got ${JSON.stringify(error.value)}`)
  }
  return [...lines].slice(0, 3).join('; ')
}

/** Decode a message or say precisely what is wrong with it. */
export const decodeMessage = <A>(codec: t.Type<A, unknown, unknown>, value: unknown): A => {
  const decoded = codec.decode(value)
  if (E.isRight(decoded)) return decoded.right
  throw new InvalidMessageError(`malformed message: ${describeErrors(decoded.left)}`)
}

/** The broadcast subject of a process's state change (`from` is `None` for the first). */
export const stateChangedSubject = (from: string | null, to: string): string =>
  `state_changed.${from ?? 'None'}.${to}`

/** The broadcast subject of an intent sent to every process. */
export const intentSubject = (intent: IntentMessage['intent']): string => `intent.${intent}`

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
