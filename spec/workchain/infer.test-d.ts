/**
 * Type tests: what TypeScript infers through `defineWorkChain` — the context from its
 * initialiser, the inputs and outputs from the spec, the step references the outline gets, and
 * the results `yield* toContext(...)` gives back.
 */
import * as t from 'io-ts'
import type { Draft } from 'immer'
import { describe, expectTypeOf, it } from 'vitest'
import { input, output } from '../../lib/ports/index.js'
import { launch, out, toContext } from '../../lib/commands/index.js'
import type { InputsOfDefinition, OutputsOfDefinition } from '../../lib/process/definition.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { while_ } from '../../lib/workchain/outline.js'

const Double = defineProcess({
  name: 'Double',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

const Countdown = defineWorkChain({
  name: 'Countdown',
  spec: {
    inputs: { from: input(t.number, { default: 3 }), label: input(t.string, { required: false }) },
    outputs: { launched: output(t.boolean), doubled: output(t.number, { required: false }) },
  },
  context: (inputs) => {
    expectTypeOf(inputs).toEqualTypeOf<{ readonly from: number; readonly label?: string }>()
    return { left: inputs.from, seen: [] as number[] }
  },
  steps: {
    ticking(ctx) {
      expectTypeOf(ctx).toEqualTypeOf<Draft<{ left: number; seen: number[] }>>()
      return ctx.left > 0
    },
    tick(ctx, { inputs }) {
      expectTypeOf(inputs.from).toEqualTypeOf<number>()
      ctx.seen.push(ctx.left)
      ctx.left -= 1
      // @ts-expect-error the context has no such key
      ctx.missing = 1
    },
    *double(_ctx) {
      const { child } = yield* toContext({ child: launch(Double, { x: 2 }) })
      expectTypeOf(child).toEqualTypeOf<{ readonly y: number }>()
      yield* out('doubled', child.y)
      // @ts-expect-error a child of Double needs a number x
      launch(Double, { x: 'two' })
    },
    *liftOff(_ctx) {
      yield* out('launched', true)
      // @ts-expect-error a value of the wrong type
      yield* out('launched', 'yes')
      // @ts-expect-error an unknown port
      yield* out('landed', true)
    },
  },
  outline: (s) => {
    expectTypeOf(s).toHaveProperty('tick')
    // @ts-expect-error the outline refers only to steps that exist
    void s.nope
    return [while_(s.ticking)(s.tick), s.double, s.liftOff]
  },
})

describe('defineWorkChain type inference', () => {
  it('infers the parsed inputs and the outputs from the spec', () => {
    expectTypeOf<InputsOfDefinition<typeof Countdown>>().toEqualTypeOf<{
      readonly from: number
      readonly label?: string
    }>()
    expectTypeOf<OutputsOfDefinition<typeof Countdown>>().toEqualTypeOf<{
      readonly launched: boolean
      readonly doubled?: number
    }>()
  })

  it('types create and execute from the spec', () => {
    const chain = Countdown.create({ from: 2 })
    expectTypeOf(chain).toExtend<ProcessHandle>()
    expectTypeOf(chain.execute()).resolves.toEqualTypeOf<{
      readonly launched: boolean
      readonly doubled?: number
    }>()
    Countdown.create()
    // @ts-expect-error from must be a number
    Countdown.create({ from: 'two' })
  })
})
