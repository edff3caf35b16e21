/**
 * Type tests: `runStep` is typed from the definition it runs — the step name is one of its steps,
 * `inputs` what `create` takes, `ctx` its context, `args` what the step declares.
 */
import * as t from 'io-ts'
import type { Immutable } from 'immer'
import { describe, expectTypeOf, it } from 'vitest'
import { Continue, out } from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import { step } from '../../lib/process/declare-step.js'
import { defineProcess, defineWorkChain } from '../../lib/runtime/define.js'
import { runStep } from '../../lib/testing/index.js'
import { while_ } from '../../lib/workchain/outline.js'

const Chain = defineWorkChain({
  name: 'Chain',
  spec: { inputs: { limit: input(t.number, { default: 2 }), label: input(t.string) } },
  context: () => ({ count: 0, seen: [] as string[] }),
  steps: {
    more: (ctx, { inputs }) => ctx.count < inputs.limit,
    collect(ctx, { inputs }) {
      ctx.count += 1
      ctx.seen.push(inputs.label)
    },
  },
  outline: (s) => [while_(s.more)(s.collect)],
})

const Greeter = defineProcess({
  name: 'Greeter',
  spec: { outputs: { greeting: output(t.string) } },
  steps: {
    run: () => Continue('greet', 'world'),
    greet: step({ args: t.tuple([t.string]) }, (_ctx, { args }) => out('greeting', args[0])),
  },
})

describe('runStep', () => {
  it('takes a step of the definition, by name', () => {
    runStep(Chain, 'collect', { inputs: { label: 'x' } })
    runStep(Chain, 'more', { inputs: { label: 'x' } })
    // @ts-expect-error Chain has no step 'colect'
    runStep(Chain, 'colect', { inputs: { label: 'x' } })
  })

  it('types inputs as what create takes', () => {
    runStep(Chain, 'collect', { inputs: { label: 'x', limit: 3 } })
    // @ts-expect-error limit is a number
    runStep(Chain, 'collect', { inputs: { label: 'x', limit: 'many' } })
    // @ts-expect-error label is required
    runStep(Chain, 'collect', { inputs: { limit: 3 } })
  })

  it('types ctx as the context, before and after the step', () => {
    const run = runStep(Chain, 'collect', {
      ctx: { count: 1, seen: ['a'] },
      inputs: { label: 'x' },
    })
    expectTypeOf(run.ctx).toEqualTypeOf<Immutable<{ count: number; seen: string[] }>>()
    // @ts-expect-error count is a number
    runStep(Chain, 'collect', { ctx: { count: 'one', seen: [] }, inputs: { label: 'x' } })
  })

  it('types args as the step declares them', () => {
    runStep(Greeter, 'greet', { args: ['you'] })
    // @ts-expect-error greet takes [string]
    runStep(Greeter, 'greet', { args: [5] })
    runStep(Greeter, 'run', { args: [1, 2, 3] })
  })
})
