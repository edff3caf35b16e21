/**
 * `RemoteProcessController`: launch, continue and control processes from anywhere that shares the
 * communicator (another program, another machine). Launches carry a pid made here, so the
 * caller knows it at once and a redelivered launch never starts a second process.
 *
 * Every answer whose shape the request promises (a pid, a status, a boolean) is decoded with
 * io-ts: one that does not fit rejects with a `MalformedReplyError`, instead of handing the
 * caller a value of the wrong type. Outputs are the process's own and pass as they are.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { v4 as uuidv4 } from 'uuid'
import type { AnyDefinition } from '../process/definition.js'
import type { Communicator } from './communicator.js'
import { MalformedReplyError } from './errors.js'
import {
  describeErrors,
  intentSubject,
  ProcessStatusReply,
  type IntentMessage,
  type ProcessStatus,
} from './messages.js'

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
  constructor(private readonly communicator: Communicator) {}

  /** Launch a process; resolves to its outputs, or to its pid with `nowait`. */
  async launchProcess(
    definition: AnyDefinition | string,
    inputs: unknown = {},
    options: LaunchOptions = {},
  ): Promise<unknown> {
    const name = typeof definition === 'string' ? definition : definition.name
    const nowait = options.nowait ?? false
    const reply = await this.communicator.taskSend({
      task: 'launch',
      definition: name,
      pid: options.pid ?? uuidv4(),
      inputs,
      persist: options.persist ?? false,
      nowait,
    })
    return nowait ? decodeReply(t.string, `launchProcess(${name}, nowait)`, reply) : reply
  }

  /** Continue a process from its checkpoint; resolves to its outputs, or its pid with `nowait`. */
  async continueProcess(
    pid: string,
    options: { nowait?: boolean; tag?: string } = {},
  ): Promise<unknown> {
    const nowait = options.nowait ?? false
    const reply = await this.communicator.taskSend({
      task: 'continue',
      pid,
      nowait,
      ...(options.tag === undefined ? {} : { tag: options.tag }),
    })
    return nowait ? decodeReply(t.string, `continueProcess(${pid}, nowait)`, reply) : reply
  }

  /**
   * Create and checkpoint a process, then continue it: if communicator messages are durable,
   * the process runs to its end even if this program stops meanwhile. Resolves to the outputs.
   */
  async executeProcess(definition: AnyDefinition | string, inputs: unknown = {}): Promise<unknown> {
    const name = typeof definition === 'string' ? definition : definition.name
    const reply = await this.communicator.taskSend({
      task: 'create',
      definition: name,
      pid: uuidv4(),
      inputs,
      persist: true,
    })
    return this.continueProcess(decodeReply(t.string, `executeProcess(${name})`, reply))
  }

  /** The status of a live process (an `UnroutableError` when no one runs it). */
  async getStatus(pid: string): Promise<ProcessStatus> {
    const reply = await this.communicator.rpcSend(pid, { intent: 'status' })
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

  /** Pause every process listening on the communicator. */
  pauseAll(message?: string): Promise<void> {
    return this.broadcast({ intent: 'pause', ...(message === undefined ? {} : { message }) })
  }

  /** Play every process listening on the communicator. */
  playAll(): Promise<void> {
    return this.broadcast({ intent: 'play' })
  }

  /** Kill every process listening on the communicator. */
  killAll(message?: string): Promise<void> {
    return this.broadcast({ intent: 'kill', ...(message === undefined ? {} : { message }) })
  }

  private async rpc(pid: string, message: IntentMessage): Promise<boolean> {
    const reply = await this.communicator.rpcSend(pid, message)
    return decodeReply(t.boolean, `${message.intent} of ${pid}`, reply)
  }

  private broadcast(message: IntentMessage): Promise<void> {
    return this.communicator.broadcastSend(message, { subject: intentSubject(message.intent) })
  }
}

/** The reply as `codec` describes it, or a `MalformedReplyError` saying what is wrong. */
const decodeReply = <A>(codec: t.Decoder<unknown, A>, request: string, reply: unknown): A => {
  const decoded = codec.decode(reply)
  if (E.isRight(decoded)) return decoded.right
  throw new MalformedReplyError(request, describeErrors(decoded.left))
}
