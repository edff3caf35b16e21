/**
 * `RemoteProcessController`: launch, continue and control processes from anywhere that shares the
 * communicator (another program, another machine). Launches carry a pid made here, so the
 * caller knows it at once and a redelivered launch never starts a second process; for the same
 * reason a launch, continue or create whose connection drops before its answer is sent again
 * once the broker is back (see `resend.ts`), within `resendWindowMs`.
 *
 * Every pid given here is checked (`pidProblem`) before anything is sent: an `InvalidPidError`
 * names it and the rule. Every answer whose shape the request promises (a pid, a status, a
 * boolean) is decoded with io-ts: one that does not fit rejects with a `MalformedReplyError`,
 * instead of handing the caller a value of the wrong type. Outputs are the process's own and
 * pass as they are.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { v4 as uuidv4 } from 'uuid'
import type { AnyDefinition } from '../process/definition.js'
import { consoleLogger, type Logger } from '../runtime/environment.js'
import { validPid } from '../runtime/pid.js'
import { encodePayload } from '../runtime/signals.js'
import type { Signal } from '../commands/signal.js'
import type { Communicator } from './communicator.js'
import { intentSubject, type ControlIntent } from './control-broadcasts.js'
import { MalformedReplyError } from './errors.js'
import { describeTask } from './launch-errors.js'
import {
  describeErrors,
  ProcessStatusReply,
  type ContinueTask,
  type CreateTask,
  type IntentMessage,
  type LaunchTask,
  type ProcessStatus,
} from './messages.js'
import { DEFAULT_RESEND_WINDOW_MS, sendResendable, type ResendPolicy } from './resend.js'

/** Options of a controller. */
export interface ControllerOptions {
  /**
   * After the connection to the broker drops under a launch, continue or create that waits for
   * its answer, send it again once the broker is back, for up to this many ms after the drop
   * (default {@link DEFAULT_RESEND_WINDOW_MS}, a minute); then reject with
   * `ResendWindowExpiredError`. 0: never send again, reject with `ConnectionLostError` at once.
   */
  readonly resendWindowMs?: number
  /** Where re-sends are told (default: stderr). */
  readonly logger?: Logger
}
/** Options of a launch. */
export interface LaunchOptions {
  /** Resolve to the pid as soon as the process is started, instead of to its outputs. */
  readonly nowait?: boolean
  /** Checkpoint the process (needs a launcher with a persister). */
  readonly persist?: boolean
  /** Use this pid (default: a fresh uuid). */
  readonly pid?: string
}

/** Controls processes through a communicator. */
export class RemoteProcessController {
  private readonly resend: ResendPolicy

  constructor(
    private readonly communicator: Communicator,
    options: ControllerOptions = {},
  ) {
    const windowMs = options.resendWindowMs ?? DEFAULT_RESEND_WINDOW_MS
    if (!Number.isFinite(windowMs) || windowMs < 0)
      throw new RangeError(`resendWindowMs must be a number of ms, 0 or more (got ${windowMs})`)
    this.resend = { windowMs, logger: options.logger ?? consoleLogger }
  }

  /** Launch a process; resolves to its outputs, or to its pid with `nowait`. */
  async launchProcess(
    definition: AnyDefinition | string,
    inputs: unknown = {},
    options: LaunchOptions = {},
  ): Promise<unknown> {
    const name = typeof definition === 'string' ? definition : definition.name
    const nowait = options.nowait ?? false
    const pid = options.pid === undefined ? uuidv4() : validPid(options.pid, 'launchProcess')
    const task: LaunchTask = {
      task: 'launch',
      definition: name,
      pid,
      inputs,
      persist: options.persist ?? false,
      nowait,
    }
    const reply = await this.send(task, task)
    return nowait ? decodeReply(t.string, `launchProcess(${name}, nowait)`, reply) : reply
  }

  /** Continue a process from its checkpoint; resolves to its outputs, or its pid with `nowait`. */
  async continueProcess(
    pid: string,
    options: { nowait?: boolean; tag?: string } = {},
  ): Promise<unknown> {
    const nowait = options.nowait ?? false
    const task: ContinueTask = {
      task: 'continue',
      pid: validPid(pid, 'continueProcess'),
      nowait,
      ...(options.tag === undefined ? {} : { tag: options.tag }),
    }
    // Sent again, it may find the process running where the first one started it: follow it.
    const reply = await this.send(task, { ...task, follow: true })
    return nowait ? decodeReply(t.string, `continueProcess(${pid}, nowait)`, reply) : reply
  }

  /**
   * Create and checkpoint a process, then continue it: if communicator messages are durable,
   * the process runs to its end even if this program stops meanwhile. Resolves to the outputs,
   * or with `nowait` to the pid once the process runs (and answers RPC) on some worker.
   */
  async executeProcess(
    definition: AnyDefinition | string,
    inputs: unknown = {},
    options: { readonly nowait?: boolean } = {},
  ): Promise<unknown> {
    const name = typeof definition === 'string' ? definition : definition.name
    const task: CreateTask = {
      task: 'create',
      definition: name,
      pid: uuidv4(),
      inputs,
      persist: true,
    }
    const reply = await this.send(task, task)
    const pid = decodeReply(t.string, `executeProcess(${name})`, reply)
    return this.continueProcess(pid, { nowait: options.nowait ?? false })
  }

  /** The status of a live process (an `UnroutableError` when no one runs it). */
  async getStatus(pid: string): Promise<ProcessStatus> {
    const reply = await this.communicator.rpcSend(validPid(pid, 'getStatus'), { intent: 'status' })
    return decodeReply(ProcessStatusReply, `getStatus(${pid})`, reply)
  }

  /** Pause a process; true once it is (or will be, after its current step) paused. */
  pauseProcess(pid: string, message?: string): Promise<boolean> {
    return this.rpc(pid, { intent: 'pause', ...(message === undefined ? {} : { message }) })
  }

  /** Play a paused process. */
  playProcess(pid: string): Promise<boolean> {
    return this.rpc(pid, { intent: 'play' })
  }

  /** Kill a process; true once it is (or will be) KILLED. */
  killProcess(pid: string, message?: string, options: { force?: boolean } = {}): Promise<boolean> {
    return this.rpc(pid, {
      intent: 'kill',
      ...(message === undefined ? {} : { message }),
      force: options.force ?? false,
    })
  }

  /**
   * Send `signal` with its payload to a live process: the payload is checked by the signal's
   * codec here, before anything is sent (an `InvalidSignalError` naming the dotted path), and by
   * the process when it waits for it (a `RemoteError` then). True once delivered or kept in the
   * process's inbox; an `UnroutableError` when no worker runs the process (it has terminated,
   * waits to be revived, or never existed).
   */
  async signal<T>(pid: string, signal: Signal<T>, payload: T): Promise<boolean> {
    const wire = encodePayload(pid, signal, payload)
    return this.signalByName(pid, signal.name, wire)
  }

  /** Send a signal by name with its payload in JSON form (checked only by the process). */
  signalByName(pid: string, name: string, payload: unknown): Promise<boolean> {
    return this.rpc(pid, { intent: 'signal', name, payload })
  }

  /**
   * Resume a live process with `value`: the signal without a name, sent and acknowledged as a
   * signal is. True once the process goes on with it, takes it as a duplicate of the resume it
   * goes on with, or keeps it until it waits for a resume (acknowledged once that is committed,
   * where the durability mode says so); a `RemoteError` when the waiting step's codec refuses
   * it; an `UnroutableError` when no worker runs the process (it has terminated, waits to be
   * revived, or never existed).
   */
  resume(pid: string, value?: unknown): Promise<boolean> {
    const message: IntentMessage = {
      intent: 'signal',
      ...(value === undefined ? {} : { payload: value }),
    }
    return this.rpc(pid, message, 'resume')
  }

  /**
   * Pause every process of every worker that obeys control broadcasts (subject `intent.pause`);
   * resolves once the broadcast is sent, not when the processes are paused.
   */
  pauseAll(message?: string): Promise<void> {
    return this.broadcast({ intent: 'pause', ...(message === undefined ? {} : { message }) })
  }

  /** Play every process of every worker that obeys control broadcasts (`intent.play`). */
  playAll(): Promise<void> {
    return this.broadcast({ intent: 'play' })
  }

  /** Kill every process of every worker that obeys control broadcasts (`intent.kill`). */
  killAll(message?: string): Promise<void> {
    return this.broadcast({ intent: 'kill', ...(message === undefined ? {} : { message }) })
  }

  private async rpc(
    pid: string,
    message: IntentMessage,
    what: string = message.intent,
  ): Promise<boolean> {
    const reply = await this.communicator.rpcSend(validPid(pid, `${what}Process`), message)
    return decodeReply(t.boolean, `${what} of ${pid}`, reply)
  }

  private broadcast(message: ControlIntent): Promise<void> {
    return this.communicator.broadcastSend(message, { subject: intentSubject(message.intent) })
  }

  /** Sends a launcher task, and `again` if the connection drops before its answer. */
  private send(task: LaunchTask | ContinueTask | CreateTask, again: unknown): Promise<unknown> {
    const request = { what: describeTask(task), pid: task.pid, task, again }
    return sendResendable(this.communicator, request, this.resend)
  }
}

/** The reply as `codec` describes it, or a `MalformedReplyError` saying what is wrong. */
const decodeReply = <A>(codec: t.Decoder<unknown, A>, request: string, reply: unknown): A => {
  const decoded = codec.decode(reply)
  if (E.isRight(decoded)) return decoded.right
  throw new MalformedReplyError(request, describeErrors(decoded.left))
}
