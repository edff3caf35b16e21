/**
 * Pause, play and kill from the page, through a `RemoteProcessController`: the answer of the
 * worker that runs the process, or why there is none, as a sentence the page shows.
 */
import type { RemoteProcessController } from '../comms/controller.js'
import { UnroutableError } from '../comms/errors.js'
import type { ControlJson } from './wire.js'

/** What the page can ask. */
export type ControlAction = ControlJson['action']

/** The actions, for routing. */
export const CONTROL_ACTIONS: readonly ControlAction[] = ['pause', 'play', 'kill']

/** One request of the page. */
export interface ControlRequest {
  readonly action: ControlAction
  readonly pid: string
  /** Why (kept as the status of a paused or killed process). */
  readonly message?: string
  /** Kill at once, without waiting for the running step. */
  readonly force?: boolean
}

const PAST: Record<ControlAction, string> = { pause: 'paused', play: 'played', kill: 'killed' }

/** Sends `request`; resolves to what happened, within `timeoutMs`. */
export const control = async (
  controller: RemoteProcessController,
  request: ControlRequest,
  timeoutMs: number,
): Promise<ControlJson> => {
  const { action, pid, message } = request
  const sent =
    action === 'pause'
      ? controller.pauseProcess(pid, message)
      : action === 'play'
        ? controller.playProcess(pid)
        : controller.killProcess(pid, message, { force: request.force === true })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  const answer = (ok: boolean, text: string): ControlJson => ({ action, pid, ok, message: text })
  try {
    const done = await Promise.race([sent, timeout])
    if (done === 'timeout')
      return answer(false, `no answer from the worker running ${pid} within ${timeoutMs} ms`)
    return done
      ? answer(true, `${pid} ${PAST[action]}`)
      : answer(false, `${pid} was not ${PAST[action]}: it has terminated`)
  } catch (error) {
    if (error instanceof UnroutableError)
      return answer(
        false,
        `${pid} is not live on any worker: it has terminated, or waits to be revived`,
      )
    return answer(
      false,
      `${action} failed: ${error instanceof Error ? error.message : String(error)}`,
    )
  } finally {
    clearTimeout(timer)
    // A late answer after the timeout is dropped, not reported as unhandled.
    sent.catch(() => undefined)
  }
}
