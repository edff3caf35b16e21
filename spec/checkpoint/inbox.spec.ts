/**
 * The inbox part of the checkpoint codec: kept signals as `[name, payload]`, a kept resume (the
 * signal without a name) as `{ value }` (`{}` without a value), read back as they were; a
 * checkpoint that keeps two resumes breaks the rule that a process keeps one at most.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'

const RUNNING = `{"v":2,"pid":"p-1","def":"Sleeper@1#0a1b2c3d","state":"RUNNING","step":"run"}`

const withInbox = (inbox: unknown): Record<string, unknown> => ({
  ...(JSON.parse(RUNNING) as Record<string, unknown>),
  inbox,
})

describe('the inbox of a checkpoint', () => {
  it('reads a kept resume as an entry without a name, among kept signals, in order', () => {
    const json = withInbox([['approve', { by: 'ann' }], { value: { n: 7 } }, ['go', 1]])
    const decoded = decodeCheckpoint(json)
    if (E.isLeft(decoded)) throw decoded.left
    expect(decoded.right.snapshot.inbox).toEqual([
      { name: 'approve', payload: { by: 'ann' } },
      { payload: { n: 7 } },
      { name: 'go', payload: 1 },
    ])
    expect(encodeCheckpoint(decoded.right)).toEqual(json)
  })

  it('writes a resume without a value as {} and reads it back without one', () => {
    const json = withInbox([{}])
    const decoded = decodeCheckpoint(JSON.stringify(json))
    if (E.isLeft(decoded)) throw decoded.left
    expect(decoded.right.snapshot.inbox).toEqual([{ payload: undefined }])
    expect(decoded.right.snapshot.inbox?.[0]?.name).toBeUndefined()
    expect(encodeCheckpoint(decoded.right)).toEqual(json)
  })

  it('keeps a signal without a payload as [name], read back without one (not as null)', () => {
    const json = withInbox([['ping'], ['go', null]])
    const decoded = decodeCheckpoint(JSON.stringify(json))
    if (E.isLeft(decoded)) throw decoded.left
    expect(decoded.right.snapshot.inbox).toEqual([
      { name: 'ping', payload: undefined },
      { name: 'go', payload: null },
    ])
    expect('payload' in (decoded.right.snapshot.inbox?.[0] ?? {})).toBe(true)
    // Through JSON text, as a store keeps it: still no payload, and a null stays a null.
    const again = decodeCheckpoint(JSON.stringify(encodeCheckpoint(decoded.right)))
    if (E.isLeft(again)) throw again.left
    expect(again.right.snapshot.inbox?.[0]?.payload).toBeUndefined()
    expect(again.right.snapshot.inbox?.[1]?.payload).toBeNull()
    expect(encodeCheckpoint(again.right)).toEqual(json)
  })

  it('refuses a kept signal with more than a name and a payload, by its path', () => {
    const decoded = decodeCheckpoint(withInbox([['go', 1, 2]]), { pid: 'p-1' })
    expect(E.isLeft(decoded) && decoded.left.message).toMatch(/inbox/)
  })

  it('refuses an inbox that keeps two resumes, naming the rule', () => {
    const decoded = decodeCheckpoint(withInbox([{ value: 1 }, ['go', 1], {}]), { pid: 'p-1' })
    expect(E.isLeft(decoded) && decoded.left.message).toMatch(
      /'inbox' holds 2 resumes: a process keeps one at most/,
    )
  })

  it('refuses an entry that is neither a kept signal nor a kept resume, by its path', () => {
    const decoded = decodeCheckpoint(withInbox([[5, 1]]), { pid: 'p-1' })
    expect(E.isLeft(decoded) && decoded.left.message).toMatch(/inbox/)
  })
})
