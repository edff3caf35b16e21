/**
 * `RemoteProcessController`: launch, continue and control processes from anywhere that shares the
 * communicator (another program, another machine). Launches carry a pid made here, so the
 * caller knows it at once and a redelivered launch never starts a second process.
 */
import { v4 as uuidv4 } from 'uuid'
import type { AnyDefinition } from '../process/definition.js'
import type { Communicator } from './communicator.js'
import { intentSubject, type IntentMessage, type ProcessStatus } from './messages.js'

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
  launchProcess(
    definition: AnyDefinition | string,
    inputs: unknown = {},
    options: LaunchOptions = {},
  ): Promise<unknown> {
    return this.communicator.taskSend({
      task: 'launch',
      definition: typeof definition === 'string' ? definition : definition.name,
      pid: options.pid ?? uuidv4(),
      inputs,
      persist: options.persist ?? false,
      nowait: options.nowait ?? false,
    })
  }

  /** Continue a process from its checkpoint; resolves to its outputs, or its pid with `nowait`. */
  continueProcess(pid: string, options: { nowait?: boolean; tag?: string } = {}): Promise<unknown> {
    return this.communicator.taskSend({
      task: 'continue',
      pid,
      nowait: options.nowait ?? false,
      ...(options.tag === undefined ? {} : { tag: options.tag }),
    })
  }

  /**
   * Create and checkpoint a process, then continue it: if communicator messages are durable,
   * the process runs to its end even if this program stops meanwhile. Resolves to the outputs.
   */
  async executeProcess(definition: AnyDefinition | string, inputs: unknown = {}): Promise<unknown> {
    const pid = (await this.communicator.taskSend({
      task: 'create',
      definition: typeof definition === 'string' ? definition : definition.name,
      pid: uuidv4(),
      inputs,
      persist: true,
    })) as string
    return this.continueProcess(pid)
  }

  /** The status of a live process (an `UnroutableError` when no one runs it). */
  getStatus(pid: string): Promise<ProcessStatus> {
    return this.communicator.rpcSend(pid, { intent: 'status' }) as Promise<ProcessStatus>
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

  private rpc(pid: string, message: IntentMessage): Promise<boolean> {
    return this.communicator.rpcSend(pid, message) as Promise<boolean>
  }

  private broadcast(message: IntentMessage): Promise<void> {
    return this.communicator.broadcastSend(message, { subject: intentSubject(message.intent) })
  }
}
