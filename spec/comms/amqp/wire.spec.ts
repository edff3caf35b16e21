import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  decodeInbox,
  decodeTask,
  encodeEnvelope,
  type RawMessage,
} from '../../../lib/comms/amqp/wire.js'
import { InvalidMessageError } from '../../../lib/comms/errors.js'

const raw = (content: string, properties: RawMessage['properties'] = {}): RawMessage => ({
  content: Buffer.from(content),
  properties,
})
const address = { replyTo: 'inbox', correlationId: 'c-1' }

describe('decodeTask', () => {
  it('reads a task with its reply address, or without one (no reply wanted)', () => {
    const content = encodeEnvelope({ _tag: 'Task', body: { x: 1 } }).toString()
    expect(decodeTask(raw(content, address))).toEqual(E.right({ body: { x: 1 }, address }))
    expect(decodeTask(raw(content))).toEqual(E.right({ body: { x: 1 }, address: undefined }))
  })

  it('keeps an undefined body undefined', () => {
    const content = encodeEnvelope({ _tag: 'Task', body: undefined }).toString()
    expect(decodeTask(raw(content))).toEqual(E.right({ body: undefined, address: undefined }))
  })

  it.each([
    ['not JSON', 'not JSON', {}],
    ['another kind', '{"_tag":"Rpc","body":1}', {}],
    ['no kind', '[1,2]', {}],
    ['a reply address without correlation id', '{"_tag":"Task"}', { replyTo: 'inbox' }],
    ['a correlation id that is not a string', '{"_tag":"Task"}', { correlationId: 5 }],
  ])('refuses %s, saying why', (_what, content, properties) => {
    const decoded = decodeTask(raw(content, properties))
    expect(E.isLeft(decoded)).toBe(true)
    expect(E.isLeft(decoded) && decoded.left.length).toBeGreaterThan(5)
  })
})

describe('decodeInbox', () => {
  it('reads RPCs, replies and broadcasts', () => {
    const rpc = encodeEnvelope({ _tag: 'Rpc', body: 'ping' }).toString()
    expect(decodeInbox(raw(rpc, address))).toEqual(E.right({ _tag: 'Rpc', body: 'ping', address }))
    const outcome = { _tag: 'Failed' as const, error: { name: 'Error', message: 'no' } }
    const reply = encodeEnvelope({ _tag: 'Reply', outcome }).toString()
    expect(decodeInbox(raw(reply, { correlationId: 'c-1' }))).toEqual(
      E.right({ _tag: 'Reply', correlationId: 'c-1', outcome }),
    )
    const fields = { sender: 's', subject: undefined, correlationId: undefined }
    const broadcast = encodeEnvelope({ _tag: 'Broadcast', body: [1], ...fields }).toString()
    expect(decodeInbox(raw(broadcast))).toEqual(
      E.right({ _tag: 'Broadcast', message: { body: [1], ...fields } }),
    )
  })

  it('names the field that is wrong', () => {
    const decoded = decodeInbox(raw('{"_tag":"Reply","outcome":{"_tag":"Ok"}}'))
    expect(decoded).toEqual(E.left('a reply needs a correlationId'))
    const badOutcome = decodeInbox(raw('{"_tag":"Reply","outcome":{"_tag":"Maybe"}}', address))
    expect(E.isLeft(badOutcome) && badOutcome.left).toMatch(/^outcome/)
    const rpc = decodeInbox(raw('{"_tag":"Rpc","body":1}'))
    expect(rpc).toEqual(E.left('an RPC needs replyTo and correlationId'))
  })
})

describe('encodeEnvelope', () => {
  it('refuses what is not JSON', () => {
    expect(() => encodeEnvelope({ _tag: 'Task', body: 1n })).toThrow(InvalidMessageError)
  })
})
