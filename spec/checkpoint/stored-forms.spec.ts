/**
 * Checkpoints as stores hold them, written by earlier encoders: version 2 (journal entries are
 * `[asked, answer]` pairs) and version 1 (plumpy-ts 0.1). They load as the bundles they were
 * taken from, whatever order the encoder wrote their fields in; a version 1 checkpoint taken
 * inside a generator step is refused, since its replay could not be checked.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { FIXTURES, loopCheckpoint, waitingOnChildren } from '../persistence/fixtures.js'

/** Version 2 texts, as the encoder of the previous release wrote them (`state` before `parent`). */
const VERSION_2: Readonly<Record<string, string>> = {
  created: `{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0001","def":"Adder@1#0a1b2c3d","state":"CREATED","step":"run","args":[1,"two"],"inputs":{"a":1,"b":2},"raw":{"a":"1","b":2}}`,
  runningChain: `{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0002","def":"WhileWorkChain@1#0a1b2c3d","state":"RUNNING","at":[1,0],"resumed":true,"inputs":{"steps":3},"ctx":{"iterator":2,"log":["a","b"],"nested":{"deep":[{"x":null}]}}}`,
  waitingOnChildren: `{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0003","def":"Parent@1#0a1b2c3d","state":"WAITING","parent":"grandparent-0","at":[2],"journal":[["toContext(ok=task)",{"ok":true}],["resume",42]],"msg":"waiting for children","data":{"hint":"x"},"awaiting":[{"key":"kids","child":"child-1","append":true,"done":true,"value":{"sum":3}},{"key":"kids","child":"child-2","append":true},{"key":"timer","promise":"p-7"}],"asked":"toContext(kids+=launch:Kid#0badf00d,kids+=launch:Kid#0badf00d,timer=task)","ctx":{"started":true}}`,
  finished: `{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0004","def":"Adder@1#0a1b2c3d","state":"FINISHED","result":3,"outputs":{"sum":3,"detail":{"parts":[1,2],"label":"é ✓ \\u0000"}}}`,
  finishedUnsuccessfully: `{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0008","def":"Adder@1#0a1b2c3d","state":"FINISHED","ok":false,"exit":3,"exitMsg":"no luck"}`,
  excepted: `{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0005","def":"Flaky@1#0a1b2c3d","state":"EXCEPTED","error":{"name":"TypeError","message":"boom","stack":"TypeError: boom\\n    at step"}}`,
  killed: `{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0006","def":"Sleeper@1#0a1b2c3d","state":"KILLED","msg":"killed by operator"}`,
  pausedWithStatus: `{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0007","def":"Sleeper@1#0a1b2c3d","state":"WAITING","step":"wake","paused":true,"status":"paused by operator","prePause":"sleeping"}`,
}

/** Version 1 texts, as plumpy-ts 0.1 wrote them (its journal held answers only). */
const VERSION_1: Readonly<Record<string, string>> = {
  created: `{"v":1,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0001","def":"Adder@1#0a1b2c3d","state":"CREATED","step":"run","args":[1,"two"],"inputs":{"a":1,"b":2},"raw":{"a":"1","b":2}}`,
  runningChain: `{"v":1,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0002","def":"WhileWorkChain@1#0a1b2c3d","state":"RUNNING","at":[1,0],"resumed":true,"inputs":{"steps":3},"ctx":{"iterator":2,"log":["a","b"],"nested":{"deep":[{"x":null}]}}}`,
  finished: `{"v":1,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0004","def":"Adder@1#0a1b2c3d","state":"FINISHED","result":3,"outputs":{"sum":3,"detail":{"parts":[1,2],"label":"é ✓ \\u0000"}}}`,
  finishedUnsuccessfully: `{"v":1,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0008","def":"Adder@1#0a1b2c3d","state":"FINISHED","ok":false,"exit":3,"exitMsg":"no luck"}`,
  excepted: `{"v":1,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0005","def":"Flaky@1#0a1b2c3d","state":"EXCEPTED","error":{"name":"TypeError","message":"boom","stack":"TypeError: boom\\n    at step"}}`,
  killed: `{"v":1,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0006","def":"Sleeper@1#0a1b2c3d","state":"KILLED","msg":"killed by operator"}`,
  pausedWithStatus: `{"v":1,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0007","def":"Sleeper@1#0a1b2c3d","state":"WAITING","step":"wake","paused":true,"status":"paused by operator","prePause":"sleeping"}`,
}

const V1_WAITING_IN_GENERATOR = `{"v":1,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0003","def":"Parent@1#0a1b2c3d","state":"WAITING","parent":"grandparent-0","at":[2],"journal":[{"ok":true},42],"msg":"waiting for children","data":{"hint":"x"},"awaiting":[{"key":"kids","child":"child-1","append":true,"done":true,"value":{"sum":3}},{"key":"kids","child":"child-2","append":true},{"key":"timer","promise":"p-7"}],"ctx":{"started":true}}`

const loaded = (text: string): Bundle => {
  const decoded = decodeCheckpoint(text)
  if (E.isLeft(decoded)) throw decoded.left
  return decoded.right
}

describe('stored checkpoints of earlier encoders', () => {
  for (const [name, text] of Object.entries(VERSION_2))
    it(`load version 2 as the bundle they were taken from: ${name}`, () => {
      expect(loaded(text)).toEqual(FIXTURES[name])
      // Written again, they hold the same fields (in this encoder's order).
      expect(encodeCheckpoint(loaded(text))).toEqual(JSON.parse(text))
    })

  for (const [name, text] of Object.entries(VERSION_1))
    it(`load version 1 as the bundle they were taken from: ${name}`, () => {
      expect(loaded(text)).toEqual(FIXTURES[name])
      expect(encodeCheckpoint(loaded(text))).toEqual({ ...JSON.parse(text), v: 2 })
    })

  it('load a version 1 WAITING checkpoint without a journal, between steps', () => {
    const { journal: _, ...json } = JSON.parse(V1_WAITING_IN_GENERATOR) as Record<string, unknown>
    const state = waitingOnChildren.snapshot.state
    if (state._tag !== 'WAITING') throw new Error('the fixture waits')
    const { journal: __, ...position } = state.position
    expect(loaded(JSON.stringify(json))).toEqual({
      ...waitingOnChildren,
      snapshot: { ...waitingOnChildren.snapshot, state: { ...state, position, asked: undefined } },
    })
  })

  it('refuse a version 1 checkpoint taken inside a generator step, naming the process', () => {
    const decoded = decodeCheckpoint(V1_WAITING_IN_GENERATOR, { tag: 'old' })
    expect(E.isLeft(decoded) && decoded.left.problem).toBe('malformed')
    expect(E.isLeft(decoded) && decoded.left.pid).toBe(waitingOnChildren.pid)
    expect(E.isLeft(decoded) && decoded.left.reason).toMatch(
      /^written by plumpy-ts 0\.1 inside a generator step: .* replay could not be checked/,
    )
  })

  it('write the loop chain checkpoint of the B3 benchmarks as compactly as before', () => {
    const text = JSON.stringify(
      encodeCheckpoint(loopCheckpoint('5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0009', 500)),
    )
    expect(text).toBe(
      '{"v":2,"pid":"5f0c6a7e-1b1d-4c55-9a43-0d6a4f6f0009","def":"LoopChain@1#0a1b2c3d","state":"RUNNING","at":[0,0],"ctx":{"i":500}}',
    )
  })
})
