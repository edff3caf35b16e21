/**
 * The raw inputs a process keeps for its checkpoints: the parsed inputs when parsing changed
 * nothing (one object for both, and not the caller's), the raw ones otherwise.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { input } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { keptRawInputs } from '../../lib/runtime/kept-inputs.js'
import { quietRunner } from './helpers.js'

const Takes = defineProcess({
  name: 'Takes',
  spec: {
    inputs: {
      n: input(t.number),
      tags: input(t.array(t.string)),
      depth: input(t.number, { default: 1 }),
    },
  },
  steps: { run: () => undefined },
})

describe('the raw inputs a process keeps', () => {
  it('are the parsed inputs when parsing changed nothing, so the caller can change its object', () => {
    const raw = { n: 2, tags: ['a'], depth: 3 }
    const process = Takes.create(raw, { runner: quietRunner() })
    expect(process.rawInputs).toBe(process.inputs)
    raw.tags.push('changed later')
    raw.n = 99
    expect(bundle(process).rawInputs).toEqual({ n: 2, tags: ['a'], depth: 3 })
  })

  it('stay the raw ones when parsing filled in a default', () => {
    const process = Takes.create({ n: 2, tags: [] }, { runner: quietRunner() })
    expect(process.rawInputs).toEqual({ n: 2, tags: [] })
    expect(process.inputs).toEqual({ n: 2, tags: [], depth: 1 })
  })

  it('compare data, not identity: keys, order-free; arrays by item; other kinds never', () => {
    const parsed = Object.freeze({ a: 1, b: Object.freeze([1, 2]) })
    expect(keptRawInputs({ b: [1, 2], a: 1 }, parsed)).toBe(parsed)
    expect(keptRawInputs({ a: 1, b: [1, 2, 3] }, parsed)).not.toBe(parsed)
    expect(keptRawInputs({ a: 1 }, parsed)).not.toBe(parsed)
    expect(keptRawInputs({ a: 1, b: [1, 2], c: undefined }, parsed)).not.toBe(parsed)
    const decoded = { when: new Date(0) }
    expect(keptRawInputs({ when: new Date(0) }, decoded)).not.toBe(decoded)
    expect(keptRawInputs(NaN, NaN)).toBe(NaN)
  })
})
