/**
 * Processes on a communicator: each live process answers RPC under its pid (status, pause, play,
 * kill), obeys pause/play/kill broadcasts, broadcasts every state change as
 * `state_changed.<from>.<to>`, and unsubscribes when it ends. Installed on a runner as a plugin.
 */
import type { ProcessHandle } from '../runtime/handle.js'
import type { RunnerPlugin } from '../runtime/runner.js'
import type { Clock, Logger } from '../runtime/environment.js'
import type { Communicator, MessageOrigin } from './communicator.js'
import { CommunicatorClosedError, ConnectionLostError } from './errors.js'
import {
  decodeMessage,
  describeOrigin,
  IntentMessage,
  reasonOf,
  stateChangedSubject,
  type ProcessStatus,
} from './messages.js'

/** The plugin, with a way to wait until a process can be reached. */
export interface ProcessControl extends RunnerPlugin {
  /** Resolves once the process with this pid answers RPC (immediately if it already does). */
  reachable(pid: string): Promise<void>
  /** Unsubscribes everything. */
  close(): Promise<void>
}

/** Options of `processControl`. */
export interface ProcessControlOptions {
  readonly clock?: Clock
  readonly logger?: Logger
  /** Broadcast state changes (default true). */
  readonly broadcastStateChanges?: boolean
}

/** Expose a runner's processes on `communicator`. */
export const processControl = (
  communicator: Communicator,
  options: ProcessControlOptions = {},
): ProcessControl => {
  const clock = options.clock ?? Date.now
  const live = new Map<
    string,
    { process: ProcessHandle; ctime: number; rpc: Promise<string | undefined> }
  >()
  const log = (message: string) => options.logger?.warn(message)

  /** Decodes an RPC; a malformed one is logged here and refused to its sender. */
  const decodeRpc = (pid: string, raw: unknown, origin: MessageOrigin): IntentMessage => {
    try {
      return decodeMessage(IntentMessage, raw)
    } catch (error) {
      log(`malformed RPC to ${pid} refused: ${reasonOf(error)}${describeOrigin(origin)}`)
      throw error
    }
  }

  const answer = async (
    process: ProcessHandle,
    ctime: number,
    message: IntentMessage,
  ): Promise<unknown> => {
    switch (message.intent) {
      case 'status':
        return statusOf(process, ctime)
      case 'pause':
        return process.pause(message.message)
      case 'play':
        return process.play()
      case 'kill':
        return process.kill(message.message, { force: message.force ?? false })
    }
  }

  // One broadcast subscription for the whole runner, fanned out to its live processes.
  let broadcasts: Promise<string> | undefined
  const subscribeBroadcasts = () =>
    (broadcasts ??= communicator.addBroadcastSubscriber(
      ({ body, subject, sender, correlationId }) => {
        let message: IntentMessage
        try {
          message = decodeMessage(IntentMessage, body)
        } catch (error) {
          const origin = {
            ...(correlationId === undefined ? {} : { messageId: correlationId }),
            ...(sender === undefined ? {} : { sender }),
          }
          return log(
            `malformed broadcast ${subject ?? '(no subject)'} ignored: ${reasonOf(error)}` +
              describeOrigin(origin),
          )
        }
        for (const { process, ctime } of live.values())
          if (message.intent !== 'status') void answer(process, ctime, message).catch(() => {})
      },
      { subjectFilter: 'intent' },
    ))

  const follow = (process: ProcessHandle) => {
    if (live.has(process.pid)) return
    const ctime = clock()
    const rpc = communicator
      .addRpcSubscriber(
        (raw, origin) => answer(process, ctime, decodeRpc(process.pid, raw, origin)),
        process.pid,
      )
      .then(
        (id) => id,
        (error: unknown) => {
          log(`${process.pid} cannot be reached over the communicator: ${String(error)}`)
          return undefined
        },
      )
    live.set(process.pid, { process, ctime, rpc })
    void subscribeBroadcasts().catch((error: unknown) => log(String(error)))
  }

  const unfollow = (pid: string) => {
    const entry = live.get(pid)
    if (entry === undefined) return
    live.delete(pid)
    void entry.rpc.then((id) =>
      id === undefined ? undefined : communicator.removeRpcSubscriber(id),
    )
  }

  return {
    created: follow,
    stateChanged: (process, from, to) => {
      if (options.broadcastStateChanges === false || communicator.isClosed()) return
      void communicator
        .broadcastSend(
          { pid: process.pid, from, to },
          { sender: process.pid, subject: stateChangedSubject(from, to) },
        )
        .catch((error: unknown) => {
          const message = `state change of ${process.pid} not broadcast: ${String(error)}`
          // The communicator already warned that the connection dropped, or was closed on
          // purpose (a worker stopping): one line is enough.
          if (error instanceof ConnectionLostError || error instanceof CommunicatorClosedError)
            options.logger?.info(message)
          else log(message)
        })
    },
    terminated: (process) => unfollow(process.pid),
    reachable: async (pid) => {
      await live.get(pid)?.rpc
    },
    close: async () => {
      for (const pid of [...live.keys()]) unfollow(pid)
      if (broadcasts !== undefined) await communicator.removeBroadcastSubscriber(await broadcasts)
    },
  }
}

/** A process's status, as the `status` RPC returns it. */
export const statusOf = (process: ProcessHandle, ctime: number): ProcessStatus => ({
  ctime: ctime / 1000,
  paused: process.paused,
  process_string: `<${process.name}> (${process.state})`,
  state: process.state,
  ...(process.status === undefined ? {} : { status: process.status }),
})
