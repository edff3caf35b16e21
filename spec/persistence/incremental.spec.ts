import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { IncrementalHeads, reassemble, type Write } from '../../lib/persistence/incremental.js'
import { encodePatches, diffJson } from '../../lib/persistence/patches.js'
import { checkpointText } from '../../lib/persistence/stored.js'
import { expectSame } from './conformance.js'
import { finished, loopCheckpoint } from './fixtures.js'

const wholeWrite = (bundle: Bundle): Write => {
  const body = checkpointText(bundle)
  return { _tag: 'Whole', body, json: JSON.parse(body) }
}

describe('IncrementalHeads', () => {
  it('plans a whole body, then patches, then a whole body every compactEvery saves', () => {
    const heads = new IncrementalHeads({ compactEvery: 3 })
    const kinds: string[] = []
    let version = 0
    for (let i = 0; i < 7; i++) {
      const bundle = loopCheckpoint('p', i)
      const write = heads.plan('p', '', checkpointText(bundle))
      kinds.push(write._tag)
      version += 1
      heads.committed(bundle, '', write, version, write._tag === 'Whole')
    }
    expect(kinds).toEqual(['Whole', 'Patch', 'Patch', 'Whole', 'Patch', 'Patch', 'Whole'])
  })

  it('patches against the version it last wrote', () => {
    const heads = new IncrementalHeads({ compactEvery: 10 })
    const first = loopCheckpoint('p', 0)
    heads.committed(first, '', heads.plan('p', '', checkpointText(first)), 41, true)
    expect(heads.plan('p', '', checkpointText(loopCheckpoint('p', 1)))).toMatchObject({
      _tag: 'Patch',
      after: 41,
      patch: '[[["ctx","i"],1]]',
    })
  })

  it('forgets finished processes, deleted ones, and the least recent beyond its memory', () => {
    const heads = new IncrementalHeads({ compactEvery: 10, remember: 2 })
    const save = (pid: string) =>
      heads.committed(loopCheckpoint(pid, 0), '', wholeWrite(loopCheckpoint(pid, 0)), 1, true)
    const next = (pid: string) => heads.plan(pid, '', checkpointText(loopCheckpoint(pid, 1)))._tag
    save('a')
    save('b')
    save('c')
    expect([next('a'), next('b'), next('c')]).toEqual(['Whole', 'Patch', 'Patch'])
    heads.forget('b', '')
    heads.forgetProcess('c')
    expect([next('b'), next('c')]).toEqual(['Whole', 'Whole'])
    heads.committed(finished, '', wholeWrite(finished), 1, true)
    expect(heads.plan(finished.pid, '', checkpointText(finished))._tag).toBe('Whole')
  })

  it('refuses a compactEvery that is not a positive integer', () => {
    for (const compactEvery of [0, -1, 1.5, Number.NaN]) {
      expect(() => new IncrementalHeads({ compactEvery })).toThrow(RangeError)
    }
  })
})

describe('reassemble', () => {
  const body = checkpointText(loopCheckpoint('p', 0))
  const patch = (from: number, to: number) =>
    encodePatches(
      diffJson(
        JSON.parse(checkpointText(loopCheckpoint('p', from))),
        JSON.parse(checkpointText(loopCheckpoint('p', to))),
      ),
    )

  it('applies the patches after the whole body in order', () => {
    const result = reassemble(
      { body, base: 1, version: 3, patches: [patch(0, 1), patch(1, 2)] },
      'p',
      undefined,
    )
    if (E.isLeft(result)) throw result.left
    expectSame(result.right, loopCheckpoint('p', 2))
  })

  it('reports missing, unreadable and inapplicable patches as checkpoint errors', () => {
    const cases = [
      { body, base: 1, version: 3, patches: [patch(0, 1)] },
      { body, base: 1, version: 2, patches: ['{'] },
      { body, base: 1, version: 2, patches: ['[[["nowhere","deep"],1]]'] },
      { body: 'garbage', base: 1, version: 2, patches: [patch(0, 1)] },
    ]
    for (const rows of cases) {
      const result = reassemble(rows, 'p', 't')
      expect(E.isLeft(result) && result.left.pid === 'p' && result.left.tag === 't').toBe(true)
    }
  })
})
