/** `draftOf` and `viewOf`: what stepping a generator step by hand needs. */
import * as t from 'io-ts'
import { current, isDraft } from 'immer'
import { describe, expect, it } from 'vitest'
import { input } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { draftOf, viewOf } from '../../lib/testing/index.js'

const Typed = defineProcess({
  name: 'Typed',
  spec: { inputs: { n: input(t.number), label: input(t.string, { default: 'l' }) } },
  steps: { run: () => undefined },
})

describe('draftOf', () => {
  it('gives an immer draft of a frozen copy: the value given is never changed', () => {
    const given = { n: 1, list: [1] }
    const draft = draftOf(given)
    expect(isDraft(draft)).toBe(true)
    draft.n += 1
    draft.list.push(2)
    expect(current(draft)).toEqual({ n: 2, list: [1, 2] })
    expect(given).toEqual({ n: 1, list: [1] })
  })
})

describe('viewOf', () => {
  it('gives the read-only view with the inputs parsed and defaulted as create would', () => {
    const view = viewOf(Typed, { n: 3 }, { pid: 'p-1', args: [1, 2], status: 'busy' })
    expect(view).toEqual({
      inputs: { n: 3, label: 'l' },
      pid: 'p-1',
      name: 'Typed',
      state: 'RUNNING',
      args: [1, 2],
      status: 'busy',
    })
    expect(Object.isFrozen(view)).toBe(true)
  })

  it('refuses bad inputs with every bad path', () => {
    expect(() => viewOf(Typed, { n: 'x' })).toThrow(/n: /)
  })
})
