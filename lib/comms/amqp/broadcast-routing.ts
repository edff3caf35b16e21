/**
 * Broadcasts routed by the broker: the broadcast exchange is a topic exchange, a broadcast's
 * routing key is its subject, and an inbox is bound with one key per subject prefix its
 * subscribers ask for, so that a worker that only obeys `intent.*` never receives (nor decodes)
 * the state changes of every process on the broker.
 *
 * The binding is a coarse superset of a subscriber's filter, never narrower: the filter itself
 * (`filters.ts`) is still applied to every broadcast that arrives. Subject filters ignore case,
 * topic routing does not, so both sides lower the ASCII letters (the only ones a case-insensitive
 * JavaScript pattern matches across case against ASCII); a filter's words are kept up to the
 * first one the broker could not compare exactly (a `*`, a `#`, an empty word, a character beyond
 * ASCII), and `#` stands for the rest. A regular expression, a filter that starts with a
 * wildcard, or no subject filter at all binds `#`: everything.
 *
 * | filter                        | binding key                        |
 * |-------------------------------|------------------------------------|
 * | `intent`                      | `intent.#`                         |
 * | `state_changed.*.FINISHED`    | `state_changed.#`                  |
 * | `state_changed.WAITING.WAITING` | `state_changed.waiting.waiting.#` |
 * | `/^state_changed\./`, none    | `#`                                |
 */
import type { Channel } from 'amqplib'
import type { BroadcastFilter } from '../communicator.js'

/** What AMQP allows in a routing or binding key (a short string). */
const MAX_KEY_BYTES = 255

/** The binding key that receives every broadcast. */
export const EVERY_BROADCAST = '#'

const lowerAscii = (text: string): string => text.replace(/[A-Z]+/g, (run) => run.toLowerCase())

/** A word the broker compares exactly as a filter would (after `lowerAscii`). */
const exactWord = (word: string): boolean =>
  word !== '' && /^[\x20-\x7e]+$/.test(word) && !word.includes('*') && !word.includes('#')

/** The longest run of whole `words`, joined by dots, that fits in `limit` bytes. */
const fitWords = (words: readonly string[], limit: number): string[] => {
  const kept: string[] = []
  let bytes = -1
  for (const word of words) {
    bytes += 1 + Buffer.byteLength(word)
    if (bytes > limit) break
    kept.push(word)
  }
  return kept
}

/**
 * The routing key a broadcast is published with: its subject, ASCII letters lowered, cut to the
 * whole words that fit in 255 bytes (a binding on the words kept still matches); no subject: ``.
 *
 * @example
 * broadcastRoutingKey('state_changed.RUNNING.FINISHED') // 'state_changed.running.finished'
 */
export const broadcastRoutingKey = (subject: string | undefined): string =>
  subject === undefined ? '' : fitWords(lowerAscii(subject).split('.'), MAX_KEY_BYTES).join('.')

/**
 * The binding key that receives at least every broadcast a subject filter matches.
 *
 * @example
 * broadcastBindingKey('state_changed.*.FINISHED') // 'state_changed.#'
 * broadcastBindingKey(/FINISHED/) // '#'
 */
export const broadcastBindingKey = (subjectFilter: BroadcastFilter | undefined): string => {
  if (typeof subjectFilter !== 'string') return EVERY_BROADCAST
  const words = lowerAscii(subjectFilter).split('.')
  const exact = words.findIndex((word) => !exactWord(word))
  const prefix = exact === -1 ? words : words.slice(0, exact)
  const kept = fitWords(prefix, MAX_KEY_BYTES - 2)
  return kept.length === 0 ? EVERY_BROADCAST : `${kept.join('.')}.${EVERY_BROADCAST}`
}

/** The bindings an inbox needs for these keys: `#` alone when one subscriber wants everything. */
export const inboxBindings = (keys: Iterable<string>): ReadonlySet<string> => {
  const wanted = new Set(keys)
  return wanted.has(EVERY_BROADCAST) ? new Set([EVERY_BROADCAST]) : wanted
}

/**
 * The broadcast exchange exists on the broker with another type than `topic`: typically a
 * `fanout` declared by a plumpy-ts from before broadcasts were routed by subject. RabbitMQ
 * never changes the type of an existing exchange, so the communicator cannot connect until it
 * is deleted (once no communicator of the old kind uses it) or another prefix is chosen.
 */
export class BroadcastExchangeTypeError extends Error {
  override readonly name = 'BroadcastExchangeTypeError'
  constructor(
    readonly exchange: string,
    /** The type the broker has, as it names it (`fanout`…), or `undefined` if it did not say. */
    readonly current: string | undefined,
  ) {
    const kind = current === undefined ? 'another type' : `a ${current} exchange`
    const why = current === 'fanout' ? ' (declared so by an earlier plumpy-ts)' : ''
    super(
      `the broadcast exchange '${exchange}' exists as ${kind}${why}, not a topic exchange: ` +
        'stop every communicator on this prefix, delete the exchange (e.g. ' +
        `rabbitmqadmin delete exchange name=${exchange}) and start them again, or use another prefix`,
    )
  }
}

/** Declares the broadcast exchange; an existing one of another type is a clear error. */
export const declareBroadcastExchange = async (channel: Channel, exchange: string) => {
  try {
    await channel.assertExchange(exchange, 'topic', { durable: true })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (!message.includes("inequivalent arg 'type'")) throw error
    throw new BroadcastExchangeTypeError(exchange, /current is '([^']*)'/.exec(message)?.[1])
  }
}
