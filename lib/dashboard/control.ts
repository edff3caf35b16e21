/**
 * Pause, play, kill, signals and resumes from the page, through a `RemoteProcessController` (the
 * calls `plumpy-ts pause`, `signal`, `resume`… make): the answer of the worker that runs the
 * process, or why there is none, as a sentence the page shows.
 */
import type { RemoteProcessController } from '../comms/controller.js'
import { UnroutableError } from '../comms/errors.js'
import type { ControlJson } from './wire.js'

/** What the page can ask. */
export type ControlAction = ControlJson['action']

/** The actions, for routing. */
export const CONTROL_ACTIONS: readonly ControlAction[] = [
  'pause',
  'play',
  'kill',
  'signal',
  'resume',
]

/** One request of the page. */
export interface ControlRequest {
  readonly action: ControlAction
  readonly pid: string
  /** Why (kept as the status of a paused or killed process). */
  readonly message?: string
  /** Kill at once, without waiting for the running step. */
  readonly force?: boolean
  /**
   * The signal to send (action `signal`): its name and JSON payload, checked by the process's
   * codec for it (a bad one is refused with the dotted path, and nothing changes).
   */
  readonly signal?: { readonly name: string; readonly payload: unknown }
  /**
   * The resume (action `resume`): with a JSON value, or without one (`{}`); checked by the wait
   * for a resume, or kept in the inbox when the process does not wait for one yet.
   */
  readonly resume?: { readonly value?: unknown }
}

const PAST: Record<ControlAction, string> = {
  pause: 'paused',
  play: 'played',
  kill: 'killed',
  signal: 'signalled',
  resume: 'resumed',
}

/** Sends what `request` asks; true when done (or kept, for an early signal). */
const send = (controller: RemoteProcessController, request: ControlRequest): Promise<boolean> => {
  const { action, pid, message } = request
  switch (action) {
    case 'pause':
      return controller.pauseProcess(pid, message)
    case 'play':
      return controller.playProcess(pid)
    case 'kill':
      return controller.killProcess(pid, message, { force: request.force === true })
    case 'signal':
      if (request.signal === undefined) throw new Error('a signal needs a name')
      return controller.signalByName(pid, request.signal.name, request.signal.payload)
    case 'resume':
      return request.resume === undefined || !('value' in request.resume)
        ? controller.resume(pid)
        : controller.resume(pid, request.resume.value)
    default:
      return action satisfies never
  }
}

/** Sends `request`; resolves to what happened, within `timeoutMs`. */
export const control = async (
  controller: RemoteProcessController,
  request: ControlRequest,
  timeoutMs: number,
): Promise<ControlJson> => {
  const { action, pid } = request
  const sent = send(controller, request)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  const answer = (ok: boolean, text: string): ControlJson => ({ action, pid, ok, message: text })
  try {
    const done = await Promise.race([sent, timeout])
    if (done === 'timeout')
      return answer(false, `no answer from the worker running ${pid} within ${timeoutMs} ms`)
    const what =
      action === 'signal' ? `${PAST[action]} ${request.signal?.name ?? ''}` : PAST[action]
    return done
      ? answer(true, `${pid} ${what}`)
      : answer(false, `${pid} was not ${what}: it has terminated`)
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
