/**
 * Processes on a communicator: each live process answers RPC under its pid (status, pause, play,
 * kill, signal, and resume: the signal without a name), obeys pause/play/kill broadcasts addressed to it or to all (see `control-broadcasts.ts`;
 * unless `controlBroadcasts: false`), broadcasts every state change as
 * `state_changed.<from>.<to>` and every pause and play as `pause_changed.<paused|played>`, and
 * unsubscribes when it ends. Installed on a runner as a plugin.
 */
import type { ProcessHandle } from '../runtime/handle.js'
import type { RunnerPlugin } from '../runtime/runner.js'
import type { Clock, Logger } from '../runtime/environment.js'
import type { Communicator, MessageOrigin } from './communicator.js'
import { pidProblem } from '../runtime/pid.js'
import { receiveSignal, sendResume } from '../runtime/signals.js'
import { answerOnceCommitted, refusalMark } from '../runtime/commit-gate.js'
import { waitsOf, type WaitItem } from '../waits/describe.js'
import { keptOf, type KeptItem } from '../waits/inbox.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import {
  INTENT_SUBJECT_PREFIX,
  readControlBroadcast,
  type ControlIntent,
} from './control-broadcasts.js'
import { CommunicatorClosedError, ConnectionLostError } from './errors.js'
import {
  decodeMessage,
  describeOrigin,
  IntentMessage,
  reasonOf,
  pauseChangedSubject,
  stateChangedSubject,
  type ProcessStatus,
} from './messages.js'

/** The plugin, with a way to wait until a process can be reached. */
export interface ProcessControl extends RunnerPlugin {
  /**
   * Resolves once the process with this pid answers RPC (immediately if it already does, or if
   * this plugin does not expose it); rejects, naming the reason, when it could not subscribe.
   */
  reachable(pid: string): Promise<void>
  /** Unsubscribes everything. */
  close(): Promise<void>
}

/** How subscribing a process for RPC under its pid went. */
type Subscription =
  | { readonly _tag: 'Subscribed'; readonly id: string }
  | { readonly _tag: 'Failed'; readonly reason: string }

/** Options of `processControl`. */
export interface ProcessControlOptions {
  readonly clock?: Clock
  readonly logger?: Logger
  /** Broadcast state changes, pauses and plays (default true). */
  readonly broadcastStateChanges?: boolean
  /**
   * Obey pause, play and kill broadcasts (`pauseAll`, …) addressed to all processes or to one
   * of this runner's (default true). False: no broadcast subscription at all, so nothing sent
   * on the broadcast exchange can control these processes; they answer RPC under their pid only.
   */
  readonly controlBroadcasts?: boolean
}

/** Expose a runner's processes on `communicator`. */
export const processControl = (
  communicator: Communicator,
  options: ProcessControlOptions = {},
): ProcessControl => {
  const clock = options.clock ?? Date.now
  const live = new Map<
    string,
    { process: ProcessHandle; ctime: number; rpc: Promise<Subscription> }
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

  /** Does what a pause, play or kill asks, by RPC or broadcast. */
  const control = async (process: ProcessHandle, message: ControlIntent): Promise<unknown> => {
    switch (message.intent) {
      case 'pause':
        return process.pause(message.message)
      case 'play':
        return process.play()
      case 'kill':
        return process.kill(message.message, { force: message.force ?? false })
      default:
        return message satisfies never
    }
  }

  // Where the durability mode keeps what was reported (strict, batched), the sender hears of
  // what it sent once the checkpoint recording it is committed, and of the refusal if it is not.
  const answer = (process: ProcessHandle, ctime: number, message: IntentMessage) => {
    if (message.intent === 'status') return statusOf(process, ctime)
    const mark = refusalMark(process)
    if (message.intent !== 'signal')
      return control(process, message).then((done) => answerOnceCommitted(process, mark, done))
    // Checked against the wait for it; a refusal reaches the sender as a remote error. A signal
    // without a name is a resume.
    if (message.name === undefined) sendResume(process, message.payload)
    else receiveSignal(process, message.name, message.payload)
    return answerOnceCommitted(process, mark, true)
  }

  const obey = (process: ProcessHandle, message: ControlIntent) =>
    void control(process, message).catch((error: unknown) =>
      log(`broadcast ${message.intent} of ${process.pid} failed: ${reasonOf(error)}`),
    )

  // One broadcast subscription for the whole runner, fanned out to its live processes.
  let broadcasts: Promise<string> | undefined
  const subscribeBroadcasts = () =>
    (broadcasts ??= communicator.addBroadcastSubscriber(
      (broadcast) => {
        const reading = readControlBroadcast(broadcast)
        if (reading._tag === 'Refuse') {
          const { subject, sender, correlationId } = broadcast
          const origin = {
            ...(correlationId === undefined ? {} : { messageId: correlationId }),
            ...(sender === undefined ? {} : { sender }),
          }
          return log(
            `control broadcast ${subject ?? '(no subject)'} not obeyed: ${reading.reason}` +
              describeOrigin(origin),
          )
        }
        if (reading.pid === undefined)
          for (const { process } of live.values()) obey(process, reading.message)
        else {
          // Addressed to one process: every other worker has nothing to do.
          const entry = live.get(reading.pid)
          if (entry !== undefined) obey(entry.process, reading.message)
        }
      },
      { subjectFilter: INTENT_SUBJECT_PREFIX },
    ))

  const follow = (process: ProcessHandle) => {
    if (live.has(process.pid)) return
    // A pid from an old checkpoint may break today's rule: it cannot be a routing key safely.
    const problem = pidProblem(process.pid)
    if (problem !== undefined)
      return log(`${JSON.stringify(process.pid)} not reachable over the communicator: ${problem}`)
    const ctime = clock()
    const rpc = communicator
      .addRpcSubscriber(
        (raw, origin) => answer(process, ctime, decodeRpc(process.pid, raw, origin)),
        process.pid,
      )
      .then(
        (id): Subscription => ({ _tag: 'Subscribed', id }),
        (error: unknown): Subscription => {
          const reason = `${process.pid} cannot be reached over the communicator: ${String(error)}`
          log(reason)
          return { _tag: 'Failed', reason }
        },
      )
    live.set(process.pid, { process, ctime, rpc })
    if (options.controlBroadcasts !== false)
      void subscribeBroadcasts().catch((error: unknown) => log(String(error)))
  }

  const unfollow = (pid: string) => {
    const entry = live.get(pid)
    if (entry === undefined) return
    live.delete(pid)
    void entry.rpc.then(async (subscription) => {
      if (subscription._tag === 'Failed' || communicator.isClosed()) return
      await communicator.removeRpcSubscriber(subscription.id).catch((error: unknown) => {
        // Closed meanwhile (a worker stopping): the subscription went with it.
        if (!(error instanceof CommunicatorClosedError))
          log(`${pid} not unsubscribed: ${reasonOf(error)}`)
      })
    })
  }

  /** Broadcasts a change of `process`; its parent lets a watcher follow a whole tree. */
  const announce = (
    process: ProcessHandle,
    change: { readonly what: string; readonly subject: string; readonly body: object },
  ) => {
    if (options.broadcastStateChanges === false || communicator.isClosed()) return
    void communicator
      .broadcastSend(
        {
          pid: process.pid,
          ...change.body,
          ...(process.parentPid === undefined ? {} : { parent: process.parentPid }),
        },
        { sender: process.pid, subject: change.subject },
      )
      .catch((error: unknown) => {
        const message = `${change.what} of ${process.pid} not broadcast: ${String(error)}`
        // The communicator already warned that the connection dropped, or was closed on
        // purpose (a worker stopping): one line is enough.
        if (error instanceof ConnectionLostError || error instanceof CommunicatorClosedError)
          options.logger?.info(message)
        else log(message)
      })
  }

  return {
    created: follow,
    stateChanged: (process, from, to) =>
      announce(process, {
        what: 'state change',
        subject: stateChangedSubject(from, to),
        body: { from, to, ...waitsField(process.snapshot) },
      }),
    pausedChanged: (process) =>
      announce(process, {
        what: process.paused ? 'pause' : 'play',
        subject: pauseChangedSubject(process.paused),
        body: { paused: process.paused, state: process.state },
      }),
    terminated: (process) => unfollow(process.pid),
    reachable: async (pid) => {
      const subscription = await live.get(pid)?.rpc
      if (subscription?._tag === 'Failed') throw new Error(subscription.reason)
    },
    close: async () => {
      for (const pid of [...live.keys()]) unfollow(pid)
      const subscribed = broadcasts
      broadcasts = undefined
      if (subscribed !== undefined) await communicator.removeBroadcastSubscriber(await subscribed)
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
  ...waitsField(process.snapshot),
  ...inboxField(process.snapshot),
})

/** What a process keeps in its inbox, as a field of a status reply (absent: nothing). */
const inboxField = (snapshot: ProcessSnapshot): { readonly inbox?: readonly KeptItem[] } => {
  const kept = keptOf(snapshot)
  return kept.length === 0 ? {} : { inbox: kept }
}

/** What a process waits for, as a field of a status reply or a broadcast (absent: nothing). */
const waitsField = (snapshot: ProcessSnapshot): { readonly waits?: readonly WaitItem[] } => {
  const waits = waitsOf(snapshot)
  return waits.length === 0 ? {} : { waits }
}
