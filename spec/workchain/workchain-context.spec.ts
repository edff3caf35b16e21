import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  defineWorkChain,
  if_,
  input,
  return_,
  waitForResume,
  while_,
  type ProcessHandle,
} from '../../lib/index.js'
import { newRunner, run } from './helpers.js'
import { isDeeplyFrozen } from '../ports/helpers.js'

describe('defineWorkChain: the context', () => {
  const Context = defineWorkChain({
    name: 'Context',
    context: () => ({ n: 0, nested: { list: [] as number[] } }),
    steps: {
      one: (ctx) => {
        ctx.n = 1
        ctx.nested.list.push(1)
      },
      same: () => undefined,
      two: (ctx) => {
        ctx.n = 2
      },
    },
    outline: (s) => [s.one, s.same, s.two],
  })

  it('persists between steps as frozen snapshots, a new one at each step boundary', async () => {
    const seen: unknown[] = []
    const process = Context.create(
      {},
      {
        runner: newRunner(),
        listeners: [{ onProcessRunning: (p: ProcessHandle) => void seen.push(p.ctx) }],
      },
    )
    await run(process)
    seen.push(process.ctx)
    // Running before `one`, `same` and `two`, then the end.
    expect(seen).toEqual([
      { n: 0, nested: { list: [] } },
      { n: 1, nested: { list: [1] } },
      { n: 1, nested: { list: [1] } },
      { n: 2, nested: { list: [1] } },
    ])
    expect(seen.slice(1).every(isDeeplyFrozen)).toBe(true)
    expect(seen[1]).not.toBe(seen[0])
    expect(seen[3]).not.toBe(seen[2])
    // A step that changes nothing keeps the same snapshot (immer's structural sharing)…
    expect(seen[2]).toBe(seen[1])
    // …and a changed one shares what did not change.
    expect((seen[3] as { nested: unknown }).nested).toBe((seen[2] as { nested: unknown }).nested)
  })

  it('cannot be mutated outside a step', async () => {
    const process = await run(Context.create({}, { runner: newRunner() }))
    const ctx = process.ctx as { n: number; nested: { list: number[] } }
    expect(() => {
      ctx.n = 5
    }).toThrow(TypeError)
    expect(() => ctx.nested.list.push(2)).toThrow(TypeError)
    expect(process.ctx).toEqual({ n: 2, nested: { list: [1] } })
  })

  // A shallow `Object.freeze` of the first context would leave its nested objects mutable.
  it('is deeply frozen from creation, before the first step', () => {
    const process = Context.create({}, { runner: newRunner() })
    expect(isDeeplyFrozen(process.ctx)).toBe(true)
  })

  // immer's `freeze(x, true)` stops at an object that is already frozen: a subtree no step has
  // changed yet must have been frozen deeply from the start, here while WAITING.
  it('is deeply frozen while a generator step waits, before anything changed', async () => {
    const Suspended = defineWorkChain({
      name: 'Suspended',
      context: () => ({ nested: { list: [] as number[] } }),
      steps: {
        *wait() {
          yield* waitForResume()
        },
      },
      outline: (s) => [s.wait],
    })
    const process = Suspended.create({}, { runner: newRunner() })
    void process.stepUntilTerminated()
    await new Promise((resolve) => setImmediate(resolve))
    expect(process.state).toBe('WAITING')
    expect(isDeeplyFrozen(process.ctx)).toBe(true)
  })

  it("answers `'k' in ctx` like a plain object, in steps, predicates and snapshots", async () => {
    const answers: boolean[] = []
    const Has = defineWorkChain({
      name: 'Has',
      context: () => ({}) as { k?: number },
      steps: {
        before: (ctx) => void answers.push('k' in ctx),
        set: (ctx) => {
          ctx.k = 1
        },
        hasK: (ctx) => 'k' in ctx,
        after: (ctx) => void answers.push('k' in ctx, Object.keys(ctx).includes('k')),
      },
      outline: (s) => [s.before, s.set, if_(s.hasK)(s.after)],
    })
    const process = await run(Has.create({}, { runner: newRunner() }))
    expect(answers).toEqual([false, true, true])
    expect('k' in (process.ctx as object)).toBe(true)
    expect('missing' in (process.ctx as object)).toBe(false)
  })

  it('hands each step a fresh draft: a draft kept from an earlier step cannot be used', async () => {
    let kept: { n: number } | undefined
    let error: unknown
    const Stale = defineWorkChain({
      name: 'Stale',
      context: () => ({ n: 0 }),
      steps: {
        keep: (ctx) => {
          kept = ctx
        },
        useKept: () => {
          try {
            if (kept !== undefined) kept.n = 99
          } catch (caught) {
            error = caught
          }
        },
      },
      outline: (s) => [s.keep, s.useKept],
    })
    const process = await run(Stale.create({}, { runner: newRunner() }))
    expect(error).toBeInstanceOf(TypeError)
    expect(process.ctx).toEqual({ n: 0 })
  })

  it('keeps only the context: the view a step gets is read-only, nothing can be kept on it', async () => {
    const Side = defineWorkChain({
      name: 'Side',
      context: () => ({}) as { kept?: string },
      steps: {
        remember: (ctx, view) => {
          ctx.kept = 'in ctx'
          ;(view as unknown as { side?: string }).side = 'on the side'
        },
        look: () => undefined,
      },
      outline: (s) => [s.remember, s.look],
    })
    const process = Side.create({}, { runner: newRunner() })
    await process.stepUntilTerminated()
    expect(process.state).toBe('EXCEPTED')
    expect(process.exception()).toBeInstanceOf(TypeError)
    expect(process.ctx).toEqual({})
  })
})

describe('defineWorkChain: getDescription', () => {
  it('includes the outline beside the spec', () => {
    const Described = defineWorkChain({
      name: 'Described',
      spec: {
        inputs: { steps: input(t.number, { default: 3 }) },
        exitCodes: { TOO_MANY: { status: 400, message: 'Too many.' } },
      },
      steps: { init: () => undefined, more: () => false, work: () => undefined, big: () => false },
      outline: (s) => [
        s.init,
        while_(s.more)(s.work, if_(s.big)(return_('TOO_MANY')).else_(s.work)),
        return_,
      ],
    })
    const description = Described.getDescription() as Record<string, unknown>
    expect(description['outline']).toEqual([
      'init',
      {
        'while_(more)': ['work', { 'if_(big)': ['return_(TOO_MANY)'], else_: ['work'] }],
      },
      'return_',
    ])
    expect(description).toHaveProperty('inputs.steps.default', 3)
    expect(JSON.parse(JSON.stringify(description))).toEqual(description)
  })
})
