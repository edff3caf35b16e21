/**
 * What travels through RabbitMQ: JSON envelopes tagged by kind, checked by io-ts on arrival.
 * Anything else on our queues (not JSON, another shape, a missing reply address) is decoded to
 * a `Left` naming the problem, so that one bad message never crashes a consumer. A message over
 * the communicator's `maxMessageBytes` is refused on its length alone, before it is parsed (a
 * `MessageTooLargeError`), and never sent in the first place.
 *
 * | kind      | queue / exchange                   | properties                         |
 * |-----------|------------------------------------|------------------------------------|
 * | Task      | the task queue, persistent         | correlationId + replyTo, or none   |
 * | Rpc       | RPC exchange, key = recipient id   | correlationId + replyTo            |
 * | Reply     | the sender's inbox (default exch.) | correlationId                      |
 * | Broadcast | broadcast exchange (topic), key    | none                               |
 * |           | from the subject (lowered)         |                                    |
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { BroadcastMessage, MessageOrigin } from '../communicator.js'
import { InvalidMessageError, MessageTooLargeError } from '../errors.js'
import { describeErrors } from '../messages.js'
import { toJsonText, type Outcome, type RemoteFailure } from '../outcome.js'

const optionalString = t.union([t.string, t.undefined])

const RemoteFailureCodec = t.type({ name: t.string, message: t.string })

/**
 * A task; one that subscribers rejected with an answer for when nobody takes it (see
 * `TaskRejected`) carries who rejected it (their subscription uids) and that answer.
 */
const TaskEnvelope = t.intersection([
  t.type({ _tag: t.literal('Task'), body: t.unknown }),
  t.partial({ rejectedBy: t.array(t.string), ifNobodyTakesIt: RemoteFailureCodec }),
])

/** A task envelope, as sent. */
export type TaskEnvelope = t.TypeOf<typeof TaskEnvelope>

const RpcEnvelope = t.type({ _tag: t.literal('Rpc'), body: t.unknown })

const OutcomeCodec = t.union(
  [
    t.type({ _tag: t.literal('Ok'), value: t.unknown }),
    t.type({ _tag: t.literal('Failed'), error: RemoteFailureCodec }),
    t.type({ _tag: t.literal('Unroutable'), message: t.string }),
  ],
  'Ok | Failed | Unroutable',
)

const ReplyEnvelope = t.type({ _tag: t.literal('Reply'), outcome: OutcomeCodec })

const BroadcastEnvelope = t.type({
  _tag: t.literal('Broadcast'),
  body: t.unknown,
  sender: optionalString,
  subject: optionalString,
  correlationId: optionalString,
})

/** The envelope codecs by kind: a message names its kind first, then its shape is checked. */
type Codecs<A> = Readonly<Record<string, t.Decoder<unknown, A>>>
const TASK_CODECS: Codecs<t.TypeOf<typeof TaskEnvelope>> = { Task: TaskEnvelope }
const INBOX_CODECS: Codecs<
  t.TypeOf<typeof RpcEnvelope> | t.TypeOf<typeof ReplyEnvelope> | t.TypeOf<typeof BroadcastEnvelope>
> = { Rpc: RpcEnvelope, Reply: ReplyEnvelope, Broadcast: BroadcastEnvelope }

/** Envelopes we send. */
export type Envelope =
  | t.TypeOf<typeof TaskEnvelope>
  | t.TypeOf<typeof RpcEnvelope>
  | t.TypeOf<typeof ReplyEnvelope>
  | t.TypeOf<typeof BroadcastEnvelope>

/** Where the answer to a message goes. */
export interface ReplyAddress {
  readonly replyTo: string
  readonly correlationId: string
}

/** The message properties we read (amqplib gives `undefined` for absent ones). */
const Properties = t.partial({ correlationId: t.string, replyTo: t.string })

/** Subscribers that rejected a task, and the answer once every subscriber has. */
export interface TaskRejections {
  readonly rejectedBy: ReadonlyArray<string>
  readonly ifNobodyTakesIt: RemoteFailure
}

/** A task as a subscriber receives it: no address when the sender wants no reply. */
export interface TaskMessage {
  readonly body: unknown
  readonly address: ReplyAddress | undefined
  readonly rejections: TaskRejections | undefined
}

/** What arrives in a communicator's inbox. */
export type InboxMessage =
  | { readonly _tag: 'Rpc'; readonly body: unknown; readonly address: ReplyAddress }
  | { readonly _tag: 'Reply'; readonly correlationId: string; readonly outcome: Outcome }
  | { readonly _tag: 'Broadcast'; readonly message: BroadcastMessage }

/** What a message in the inbox is (told by the exchange it came through, when it is not read). */
export type InboxKind = InboxMessage['_tag']

/** The raw parts of a delivery that decoding looks at. */
export interface RawMessage {
  readonly content: Buffer
  readonly properties: { readonly correlationId?: unknown; readonly replyTo?: unknown }
}

/**
 * Whatever a delivery says about its origin, read without trusting it (a malformed message may
 * carry anything): its correlation id and reply queue when they are strings.
 */
export const originOf = (raw: RawMessage): MessageOrigin => {
  const { correlationId, replyTo } = raw.properties
  return {
    ...(typeof correlationId === 'string' ? { messageId: correlationId } : {}),
    ...(typeof replyTo === 'string' ? { sender: replyTo } : {}),
  }
}

/**
 * Encodes an envelope; throws `InvalidMessageError` when the body or result is not JSON, and
 * `MessageTooLargeError` when it is over `maxBytes`.
 */
export const encodeEnvelope = (envelope: Envelope, maxBytes: number): Buffer =>
  Buffer.from(toJsonText(envelope, ENVELOPE_NAMES[envelope._tag], maxBytes) ?? 'null')

/** What each envelope is called in errors (as the local communicator calls it). */
const ENVELOPE_NAMES: Readonly<Record<Envelope['_tag'], string>> = {
  Task: 'the task',
  Rpc: 'the RPC message',
  Reply: 'the reply',
  Broadcast: 'the broadcast',
}

/** What is refused and why: too large (not parsed), or malformed. */
type Refusal = InvalidMessageError

const malformed = (reason: string): Refusal => new InvalidMessageError(reason)

/** A delivery over `maxBytes`, refused on its length: `what` is `the task`, `a message`… */
const tooLarge = (raw: RawMessage, maxBytes: number, what: string): Refusal | undefined =>
  raw.content.length > maxBytes
    ? new MessageTooLargeError(what, raw.content.length, maxBytes)
    : undefined

const decodeWith = <A>(codec: t.Decoder<unknown, A>, value: unknown): E.Either<string, A> => {
  const decoded = codec.decode(value)
  return E.isRight(decoded) ? decoded : E.left(describeErrors(decoded.left))
}

const parseJson = (content: Buffer): E.Either<string, unknown> => {
  try {
    return E.right(JSON.parse(content.toString('utf8')) as unknown)
  } catch (error) {
    return E.left(`not JSON (${String(error)})`)
  }
}

/** Decodes the envelope with the codec its `_tag` names, among `codecs`. */
const decodeEnvelope = <A>(codecs: Codecs<A>, json: unknown): E.Either<string, A> => {
  const tag =
    typeof json === 'object' && json !== null ? (json as { _tag?: unknown })._tag : undefined
  const codec = typeof tag === 'string' && Object.hasOwn(codecs, tag) ? codecs[tag] : undefined
  if (codec === undefined) {
    const kinds = Object.keys(codecs).join(' or ')
    return E.left(`_tag: expected ${kinds}, got ${JSON.stringify(tag)}`)
  }
  return decodeWith(codec, json)
}

/** The envelope and the properties of a delivery, or what is wrong with them. */
const decodeParts = <A>(codecs: Codecs<A>, raw: RawMessage) => {
  const properties = decodeWith(Properties, {
    correlationId: raw.properties.correlationId,
    replyTo: raw.properties.replyTo,
  })
  if (E.isLeft(properties)) return properties
  const envelope = E.chain((json: unknown) => decodeEnvelope(codecs, json))(parseJson(raw.content))
  return E.map((body: A) => ({ envelope: body, ...properties.right }))(envelope)
}

const addressOf = (properties: { correlationId?: string; replyTo?: string }) =>
  properties.replyTo !== undefined && properties.correlationId !== undefined
    ? { replyTo: properties.replyTo, correlationId: properties.correlationId }
    : undefined

/** Decodes a delivery from the task queue; one over `maxBytes` is not even parsed. */
export const decodeTask = (raw: RawMessage, maxBytes: number): E.Either<Refusal, TaskMessage> => {
  const oversized = tooLarge(raw, maxBytes, 'the task')
  if (oversized !== undefined) return E.left(oversized)
  const parts = decodeParts(TASK_CODECS, raw)
  if (E.isLeft(parts)) return E.left(malformed(parts.left))
  const { envelope, ...properties } = parts.right
  const address = addressOf(properties)
  if (address === undefined && properties.replyTo !== undefined) {
    return E.left(malformed('a task with replyTo needs a correlationId'))
  }
  const { rejectedBy, ifNobodyTakesIt } = envelope
  const rejections =
    rejectedBy === undefined || ifNobodyTakesIt === undefined
      ? undefined
      : { rejectedBy, ifNobodyTakesIt }
  return E.right({ body: envelope.body, address, rejections })
}

/** Decodes a delivery from a communicator's inbox; one over `maxBytes` is not even parsed. */
export const decodeInbox = (raw: RawMessage, maxBytes: number): E.Either<Refusal, InboxMessage> => {
  const oversized = tooLarge(raw, maxBytes, 'a message')
  if (oversized !== undefined) return E.left(oversized)
  const parts = decodeParts(INBOX_CODECS, raw)
  if (E.isLeft(parts)) return E.left(malformed(parts.left))
  const { envelope, ...properties } = parts.right
  switch (envelope._tag) {
    case 'Rpc': {
      const address = addressOf(properties)
      return address === undefined
        ? E.left(malformed('an RPC needs replyTo and correlationId'))
        : E.right({ _tag: 'Rpc', body: envelope.body, address })
    }
    case 'Reply':
      return properties.correlationId === undefined
        ? E.left(malformed('a reply needs a correlationId'))
        : E.right({
            _tag: 'Reply',
            correlationId: properties.correlationId,
            outcome: envelope.outcome,
          })
    case 'Broadcast': {
      const { body, sender, subject, correlationId } = envelope
      return E.right({ _tag: 'Broadcast', message: { body, sender, subject, correlationId } })
    }
    default:
      return envelope satisfies never
  }
}

/**
 * Where a refused delivery's sender waits for an answer, read from its properties alone (the
 * body was not, or could not be, read): a task or an RPC with both `replyTo` and
 * `correlationId` can be answered with the refusal.
 */
export const replyAddressOf = (raw: RawMessage): ReplyAddress | undefined => {
  const { correlationId, replyTo } = raw.properties
  return typeof correlationId === 'string' && typeof replyTo === 'string'
    ? { replyTo, correlationId }
    : undefined
}
