/**
 * Sending signals (and resumes) to a live process: the payload is checked where it enters,
 * before anything changes (by the signal's codec, and as JSON on a runner that checkpoints),
 * then handed to the process's loop; a refusal (a terminated process) is thrown to the sender.
 */
import { shortReport } from '../checkpoint/decode-report.js'
import type { PayloadCodec, Signal } from '../commands/signal.js'
import { waitShape } from '../commands/suspend.js'
import type { SignalDeclaration } from '../ports/index.js'
import { InvalidStateError } from '../process/errors.js'
import type { ProcessEvent } from '../process/events.js'
import { Events } from '../process/events.js'
import { suspensionOf } from '../step/execute.js'
import type { ProcessHandle } from './handle.js'
import { notJsonValue } from './json-guard.js'
import { checkResumeValue } from './resume-check.js'

/** A payload its signal's codec refuses: nothing changed. */
export class InvalidSignalError extends Error {
  override readonly name = 'InvalidSignalError'
  constructor(
    readonly pid: string,
    readonly signal: string,
    readonly reason: string,
  ) {
    super(`process ${pid} refused signal '${signal}': ${reason}`)
  }
}

/**
 * Send `signal` with a payload of its type: encoded by its codec (the form kept in the inbox
 * and in checkpoints) and checked to decode back.
 */
export const sendSignal = <T>(process: ProcessHandle, signal: Signal<T>, payload: T): void => {
  const declared = declarationOf(process, signal.name)
  const wire = encodePayload(process.pid, signal, payload)
  // A signal of the same name made elsewhere may carry another codec: the declared one decides.
  if (declared !== undefined && declared.codec !== signal.codec)
    checkPayload(process.pid, signal.name, declared.codec, wire)
  deliverChecked(process, signal.name, wire)
}

/**
 * The payload as the signal's codec encodes it, checked to decode back: an
 * `InvalidSignalError` (for process `pid`) with the dotted path otherwise.
 */
export const encodePayload = <T>(pid: string, signal: Signal<T>, payload: T): unknown => {
  let wire: unknown
  try {
    wire = signal.codec.encode(payload)
  } catch (error) {
    throw new InvalidSignalError(pid, signal.name, `payload: ${String(error)}`)
  }
  checkPayload(pid, signal.name, signal.codec, wire)
  return wire
}

/**
 * Resume: the signal without a name, checked as `checkResumeValue` says, then handed to the
 * process's loop (a refusal, once terminated, is thrown).
 */
export const sendResume = (process: ProcessHandle, value: unknown): void => {
  checkResumeValue(process, value)
  askOrThrow(process, Events.resume(value), 'resume')
}

/**
 * Deliver a signal that arrives by name with its payload in JSON form (over a communicator, from
 * the command line). A process whose spec declares its signals refuses other names and checks
 * the payload by the declared codec at once; otherwise it is checked by the codec of the wait
 * for it when the process waits for it, and a signal no current wait names is kept as it came,
 * decoded when a wait for it starts.
 */
export const receiveSignal = (process: ProcessHandle, name: string, payload: unknown): void => {
  const codec = declarationOf(process, name)?.codec ?? codecWaitedFor(process, name)
  if (codec !== undefined) checkPayload(process.pid, name, codec, payload)
  deliverChecked(process, name, payload)
}

/**
 * The spec's declaration of signal `name`; undefined when the spec declares no signals. A name
 * the spec does not declare is an `InvalidSignalError`: nothing changes.
 */
const declarationOf = (process: ProcessHandle, name: string): SignalDeclaration | undefined => {
  const declared = process.definition.spec.signals
  if (declared === undefined) return undefined
  const found = declared.get(name)
  if (found !== undefined) return found
  const names = [...declared.keys()].map((known) => `'${known}'`).join(', ')
  throw new InvalidSignalError(
    process.pid,
    name,
    `${process.definition.name} declares no such signal (it takes ${names || 'none'})`,
  )
}

const checkPayload = (
  pid: string,
  name: string,
  codec: Pick<PayloadCodec<unknown>, 'decode'>,
  wire: unknown,
): void => {
  const decoded = codec.decode(wire)
  if (decoded._tag === 'Left')
    throw new InvalidSignalError(pid, name, shortReport(decoded.left, 'payload', true))
}

const deliverChecked = (process: ProcessHandle, name: string, wire: unknown): void => {
  if (process.host.keepsJson === true) {
    const limits = process.host.checkpointLimits
    const notJson = notJsonValue(process.pid, wire, `the payload of signal '${name}'`, limits)
    if (notJson !== undefined) throw notJson
  }
  askOrThrow(process, Events.signal(name, wire), `signal '${name}'`)
}

/** The codec of the wait for signal `name` the process is suspended on, if any. */
const codecWaitedFor = (
  process: ProcessHandle,
  name: string,
): PayloadCodec<unknown> | undefined => {
  const suspension = suspensionOf(process)
  if (suspension === undefined) return undefined
  for (const entry of waitShape(suspension).entries)
    if (entry.awaitable._tag === 'SignalWait' && entry.awaitable.signal.name === name)
      return entry.awaitable.signal.codec
  return undefined
}

/**
 * Send a request the reducer may refuse, and throw its refusal (asked from inside the loop, a
 * listener or a hook, the answer comes too late to throw: it is logged).
 */
export const askOrThrow = (process: ProcessHandle, event: ProcessEvent, what: string): void => {
  let refused: string | undefined
  let later = false
  process.loop.ask(event, (answers) => {
    for (const answer of answers) if (answer._tag === 'Reject') refused = answer.error.message
    if (refused !== undefined && later)
      process.host.logger.warn(`${what} of ${process.pid} refused: ${refused}`)
  })
  later = true
  if (refused !== undefined) throw new InvalidStateError(refused)
}
