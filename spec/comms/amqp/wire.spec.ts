import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  decodeInbox,
  decodeTask,
  encodeEnvelope,
  type RawMessage,
} from '../../../lib/comms/amqp/wire.js'
import { InvalidMessageError, MessageTooLargeError } from '../../../lib/comms/errors.js'

const LIMIT = 4 * 1024 * 1024

const raw = (content: string, properties: RawMessage['properties'] = {}): RawMessage => ({
  content: Buffer.from(content),
  properties,
})
const address = { replyTo: 'inbox', correlationId: 'c-1' }

describe('decodeTask', () => {
  it('reads a task with its reply address, or without one (no reply wanted)', () => {
    const content = encodeEnvelope({ _tag: 'Task', body: { x: 1 } }, LIMIT).toString()
    expect(decodeTask(raw(content, address), LIMIT)).toEqual(E.right({ body: { x: 1 }, address }))
    expect(decodeTask(raw(content), LIMIT)).toEqual(E.right({ body: { x: 1 }, address: undefined }))
  })

  it('keeps an undefined body undefined', () => {
    const content = encodeEnvelope({ _tag: 'Task', body: undefined }, LIMIT).toString()
    expect(decodeTask(raw(content), LIMIT)).toEqual(
      E.right({ body: undefined, address: undefined }),
    )
  })

  it.each([
    ['not JSON', 'not JSON', {}],
    ['another kind', '{"_tag":"Rpc","body":1}', {}],
    ['no kind', '[1,2]', {}],
    ['a reply address without correlation id', '{"_tag":"Task"}', { replyTo: 'inbox' }],
    ['a correlation id that is not a string', '{"_tag":"Task"}', { correlationId: 5 }],
  ])('refuses %s, saying why', (_what, content, properties) => {
    const decoded = decodeTask(raw(content, properties), LIMIT)
    expect(E.isLeft(decoded)).toBe(true)
    expect(E.isLeft(decoded) && decoded.left.message.length).toBeGreaterThan(5)
  })
})

describe('decodeInbox', () => {
  it('reads RPCs, replies and broadcasts', () => {
    const rpc = encodeEnvelope({ _tag: 'Rpc', body: 'ping' }, LIMIT).toString()
    expect(decodeInbox(raw(rpc, address), LIMIT)).toEqual(
      E.right({ _tag: 'Rpc', body: 'ping', address }),
    )
    const outcome = { _tag: 'Failed' as const, error: { name: 'Error', message: 'no' } }
    const reply = encodeEnvelope({ _tag: 'Reply', outcome }, LIMIT).toString()
    expect(decodeInbox(raw(reply, { correlationId: 'c-1' }), LIMIT)).toEqual(
      E.right({ _tag: 'Reply', correlationId: 'c-1', outcome }),
    )
    const fields = { sender: 's', subject: undefined, correlationId: undefined }
    const broadcast = encodeEnvelope({ _tag: 'Broadcast', body: [1], ...fields }, LIMIT).toString()
    expect(decodeInbox(raw(broadcast), LIMIT)).toEqual(
      E.right({ _tag: 'Broadcast', message: { body: [1], ...fields } }),
    )
  })

  it('names the field that is wrong', () => {
    const reason = (decoded: E.Either<Error, unknown>) => E.isLeft(decoded) && decoded.left.message
    const decoded = decodeInbox(raw('{"_tag":"Reply","outcome":{"_tag":"Ok"}}'), LIMIT)
    expect(reason(decoded)).toBe('a reply needs a correlationId')
    const bad = decodeInbox(raw('{"_tag":"Reply","outcome":{"_tag":"Maybe"}}', address), LIMIT)
    expect(reason(bad)).toMatch(/^outcome/)
    const rpc = decodeInbox(raw('{"_tag":"Rpc","body":1}'), LIMIT)
    expect(reason(rpc)).toBe('an RPC needs replyTo and correlationId')
  })
})

describe('encodeEnvelope', () => {
  it('refuses what is not JSON', () => {
    expect(() => encodeEnvelope({ _tag: 'Task', body: 1n }, LIMIT)).toThrow(InvalidMessageError)
  })

  it('refuses a message over the limit, naming its size and the limit', () => {
    const encode = () => encodeEnvelope({ _tag: 'Task', body: 'é'.repeat(600) }, 1_000)
    expect(encode).toThrow(MessageTooLargeError)
    // 1,200 bytes of UTF-8 for 600 characters, and the envelope around them.
    expect(encode).toThrow(/^the task is 1225 bytes, over the limit of 1000 bytes/)
    expect(encodeEnvelope({ _tag: 'Task', body: 'é'.repeat(480) }, 1_000).length).toBe(985)
  })
})

describe('refusing what is too large', () => {
  it('refuses a task or an inbox message over the limit on its length, without parsing it', () => {
    // Not JSON at all: had it been parsed, the reason would say so.
    const big = raw('x'.repeat(2_000), address)
    const task = decodeTask(big, 1_000)
    expect(E.isLeft(task) && task.left).toBeInstanceOf(MessageTooLargeError)
    expect(E.isLeft(task) && task.left.message).toBe(
      'the task is 2000 bytes, over the limit of 1000 bytes (maxMessageBytes)',
    )
    const inbox = decodeInbox(big, 1_000)
    expect(E.isLeft(inbox) && inbox.left.message).toMatch(/^a message is 2000 bytes/)
    expect(E.isLeft(decodeTask(big, 2_000)) && decodeTask(big, 2_000)).toMatchObject({
      left: { message: expect.stringMatching(/^not JSON/) },
    })
  })
})
