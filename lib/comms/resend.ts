/**
 * Sending a launcher task again when the connection to the broker dropped before its answer.
 *
 * A launch, continue or create carries its pid, so a second delivery is harmless: a launcher
 * that finds the process live joins it, one that finds it stored continues it, one that finds it
 * running on another worker follows it, and the answer is the same. So the controller needs
 * no guess about whether the first send was queued: it sends again, on the connection that
 * comes back, and waits for that answer (the answer to the first send went to a reply queue
 * that died with the old connection).
 *
 * The window bounds the outage, not the work: after each drop, the task is sent again as soon
 * as the connection is back, for up to `windowMs`; once it is queued, the answer is awaited as
 * long as the process takes. A broker that stays away longer gives a `ResendWindowExpiredError`,
 * and the copy still waiting for a connection is withdrawn (`queueWithinMs`): nothing is sent
 * behind the caller's back once it was told that the controller gave up.
 */
import type { Logger } from '../runtime/environment.js'
import type { Communicator } from './communicator.js'
import { BrokerUnreachableError, ConnectionLostError, ResendWindowExpiredError } from './errors.js'

/** How long after a drop a task is sent again, by default: a broker restart takes seconds. */
export const DEFAULT_RESEND_WINDOW_MS = 60_000

/** The first pause before sending again: the connection may not know yet that it is gone. */
const FIRST_PAUSE_MS = 100
const LONGEST_PAUSE_MS = 2_000

/** A task and how to send it again. */
export interface ResendableTask {
  /** What it is, for log lines and errors: `launch Pipeline <pid>`. */
  readonly what: string
  readonly pid: string
  /** The task. */
  readonly task: unknown
  /** The task to send after a drop (a continue asks to follow a process running elsewhere). */
  readonly again: unknown
}

/** How a controller re-sends. */
export interface ResendPolicy {
  /** After each drop, how long to keep sending again (ms); 0: never send again. */
  readonly windowMs: number
  readonly logger: Logger
}

const pause = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)).unref())

/**
 * Sends `request.task` and resolves to its answer; when the connection drops before the answer
 * (`ConnectionLostError`), sends `request.again` as described in the module documentation.
 */
export const sendResendable = async (
  communicator: Communicator,
  request: ResendableTask,
  policy: ResendPolicy,
): Promise<unknown> => {
  try {
    return await communicator.taskSend(request.task)
  } catch (error) {
    if (!(error instanceof ConnectionLostError) || policy.windowMs <= 0) throw error
    return resend(communicator, request, policy)
  }
}

const resend = async (
  communicator: Communicator,
  request: ResendableTask,
  policy: ResendPolicy,
): Promise<unknown> => {
  const { windowMs, logger } = policy
  let deadline = Date.now() + windowMs
  let wait = FIRST_PAUSE_MS
  logger.warn(
    `${request.what}: the connection to the broker dropped before the answer; sending it ` +
      `again as soon as the broker is back (for up to ${windowMs} ms)`,
  )
  for (;;) {
    await pause(Math.min(wait, deadline - Date.now()))
    wait = Math.min(wait * 2, LONGEST_PAUSE_MS)
    const left = deadline - Date.now()
    const expired = (cause: unknown) =>
      new ResendWindowExpiredError(request.what, request.pid, windowMs, cause)
    if (left <= 0) throw expired(new BrokerUnreachableError('taskSend', windowMs))
    try {
      return await communicator.taskSend(request.again, { queueWithinMs: left })
    } catch (error) {
      if (error instanceof BrokerUnreachableError) throw expired(error)
      if (!(error instanceof ConnectionLostError)) throw error
      // Dropped again: the connection was back meanwhile, and the window starts over.
      deadline = Date.now() + windowMs
      logger.warn(`${request.what}: the connection dropped again; sending it again`)
    }
  }
}
