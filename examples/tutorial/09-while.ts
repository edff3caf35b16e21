// The context and while_: state that must survive between steps lives in the context, an
// immutable snapshot that each step (and predicate) changes through an immer draft.
import * as t from 'io-ts'
import { defineWorkChain, input, while_ } from '../../lib/index.js'
import { isMain } from './is-main.js'

export const WhileWorkChain = defineWorkChain({
  name: 'WhileWorkChain',
  spec: { inputs: { steps: input(t.number, { default: 3 }) } },
  context: () => ({ iterator: 0 }),
  steps: {
    initStep(ctx) {
      ctx.iterator = 0
    },
    whileStep(ctx, { inputs }) {
      ctx.iterator += 1
      return ctx.iterator <= inputs.steps
    },
    conditionalStep(ctx) {
      console.log('step', ctx.iterator)
    },
  },
  outline: (s) => [s.initStep, while_(s.whileStep)(s.conditionalStep)],
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  await WhileWorkChain.create().execute()
}

if (isMain(import.meta.url)) await main()
