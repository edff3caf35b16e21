/**
 * A step's context is an immer draft wherever it runs; a step that has not touched its context
 * before gets a stand-in that makes the draft on first use and behaves as the draft does.
 */
import { current, isDraft, original } from 'immer'
import { describe, expect, it } from 'vitest'
import { StepContextDraft, initialContext } from '../../lib/step/context.js'

const base = () => initialContext({ n: 1, list: [1, 2], nested: { a: 'x' } }) as object

describe('StepContextDraft', () => {
  it('gives a step that touches nothing a stand-in, and the same frozen object back', () => {
    const ctx = base()
    const context = new StepContextDraft(ctx)
    const untouched = () => undefined
    context.for(untouched)
    expect(context.close()).toBe(ctx)
  })

  it('passes for an immer draft: isDraft, current, original, reads and writes', () => {
    const ctx = base()
    const context = new StepContextDraft(ctx)
    const step = () => undefined
    const draft = context.for(step) as { n: number; list: number[]; nested: { a: string } }
    expect(isDraft(draft)).toBe(true)
    expect(original(draft)).toBe(ctx)
    draft.n += 1
    draft.list.push(3)
    expect(current(draft)).toEqual({ n: 2, list: [1, 2, 3], nested: { a: 'x' } })
    expect('n' in draft).toBe(true)
    expect(Object.keys(draft)).toEqual(['n', 'list', 'nested'])
    expect(JSON.parse(JSON.stringify(draft))).toEqual({ n: 2, list: [1, 2, 3], nested: { a: 'x' } })
    delete (draft as Partial<typeof draft>).nested
    const after = context.close() as Record<string, unknown>
    expect(after).toEqual({ n: 2, list: [1, 2, 3] })
    expect(Object.isFrozen(after)).toBe(true)
    expect(Object.isFrozen(after['list'])).toBe(true)
    expect((ctx as { n: number }).n).toBe(1)
  })

  it('revokes the stand-in and the draft once the step has ended, as immer revokes a draft', () => {
    const context = new StepContextDraft(base())
    const stand = context.for(() => undefined) as { n: number }
    const touchingStep = () => undefined
    context.for(touchingStep)
    context.close()
    expect(() => stand.n).toThrow(TypeError)
    expect(() => {
      stand.n = 2
    }).toThrow(TypeError)
  })

  it('gives a step that touched its context before the draft itself', () => {
    const step = () => undefined
    const first = new StepContextDraft(base())
    ;(first.for(step) as { n: number }).n += 1
    first.close()
    const second = new StepContextDraft(base())
    const ctx = second.for(step)
    expect(ctx).toBe(second.real)
    second.close()
  })

  it('shares one draft between the predicates and the step of one call', () => {
    const context = new StepContextDraft(base())
    const predicate = () => undefined
    const step = () => undefined
    ;(context.for(predicate) as { n: number }).n = 5
    expect((context.for(step) as { n: number }).n).toBe(5)
    expect(context.close()).toMatchObject({ n: 5 })
  })

  it('gives an array context the draft itself', () => {
    const context = new StepContextDraft(Object.freeze([1, 2]))
    const ctx = context.for(() => undefined)
    expect(Array.isArray(ctx)).toBe(true)
    expect(isDraft(ctx)).toBe(true)
    context.close()
  })
})
