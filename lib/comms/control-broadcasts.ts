/**
 * Control by broadcast: `pause`, `play` and `kill` sent to every process at once (`pauseAll`,
 * `playAll`, `killAll`) or to one pid wherever it runs, on the exchange that also carries every
 * state change. A broadcast is obeyed only when its subject says what it is and whom it is for:
 *
 * | subject                 | body                                | obeyed by                       |
 * |-------------------------|-------------------------------------|---------------------------------|
 * | `intent.<intent>`       | `{ intent: <intent>, … }`           | every live process              |
 * | `intent.<intent>.<pid>` | `{ intent: <intent>, … }`           | the live process with that pid  |
 *
 * where `<intent>` is `pause`, `play` or `kill` (`status` needs an answer: ask it by RPC). Any
 * other broadcast that reaches a process's control subscription is refused with the reason: a
 * subject of another shape, an intent that is not one of those three, an address that is not a
 * pid (see `pidProblem`), a body that does not decode, or a body whose intent is not the one its
 * subject names (a `{"intent":"kill"}` sent as `intent.play` kills nothing).
 *
 * The subject is what a broker shows and what a broadcast filter matches, so stating the intent
 * there lets operators see, filter and audit what was asked; anyone allowed to publish on the
 * broadcast exchange can still send a well-formed `intent.kill` (see the README's trust model),
 * and a worker that must not obey broadcasts at all says so with
 * `processControl(…, { controlBroadcasts: false })`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pidProblem } from '../runtime/pid.js'
import type { BroadcastMessage } from './communicator.js'
import { describeErrors, IntentMessage } from './messages.js'

/** The first part of every control broadcast's subject (and the filter that receives them). */
export const INTENT_SUBJECT_PREFIX = 'intent'

/** An intent that a broadcast may carry. */
export type ControlIntent = Exclude<IntentMessage, { readonly intent: 'status' | 'signal' }>

const CONTROL_INTENTS: ReadonlySet<string> = new Set<ControlIntent['intent']>([
  'pause',
  'play',
  'kill',
])

/**
 * The subject of a control broadcast: to every process, or to the process `pid`.
 *
 * @example
 * intentSubject('pause') // 'intent.pause'
 * intentSubject('kill', 'p1') // 'intent.kill.p1'
 */
export const intentSubject = (intent: ControlIntent['intent'], pid?: string): string =>
  pid === undefined
    ? `${INTENT_SUBJECT_PREFIX}.${intent}`
    : `${INTENT_SUBJECT_PREFIX}.${intent}.${pid}`

/** What a control broadcast asks, or why it is not obeyed. */
export type ControlReading =
  | {
      readonly _tag: 'Obey'
      readonly message: ControlIntent
      /** The one process it is for; `undefined`: every process. */
      readonly pid: string | undefined
    }
  | { readonly _tag: 'Refuse'; readonly reason: string }

const refuse = (reason: string): ControlReading => ({ _tag: 'Refuse', reason })

/** Read a broadcast received as control: what to do, and to whom, or why not. */
export const readControlBroadcast = (broadcast: BroadcastMessage): ControlReading => {
  const { subject } = broadcast
  if (subject === undefined) return refuse('it has no subject')
  const [prefix, intent, pid, ...rest] = subject.split('.')
  if (prefix !== INTENT_SUBJECT_PREFIX || intent === undefined || rest.length > 0)
    return refuse('its subject is neither intent.<intent> nor intent.<intent>.<pid>')
  if (!CONTROL_INTENTS.has(intent))
    return refuse(`'${intent}' is not an intent obeyed by broadcast (pause, play or kill)`)
  if (pid !== undefined) {
    const problem = pidProblem(pid)
    if (problem !== undefined) return refuse(`its address is not a pid: ${problem}`)
  }
  const decoded = IntentMessage.decode(broadcast.body)
  if (E.isLeft(decoded)) return refuse(`malformed body: ${describeErrors(decoded.left)}`)
  const message = decoded.right
  if (message.intent !== intent)
    return refuse(`its body asks to ${message.intent}, its subject to ${intent}`)
  return { _tag: 'Obey', message: message as ControlIntent, pid }
}
