// The README's first example: a work chain that counts, with typed inputs and outputs.
import * as t from 'io-ts'
import { defineWorkChain, input, out, output, while_ } from '../../lib/index.js'

export const Countdown = defineWorkChain({
  name: 'Countdown',
  spec: {
    inputs: { from: input(t.number, { default: 3 }) },
    outputs: { launched: output(t.boolean) },
  },
  context: (inputs) => ({ left: inputs.from }),
  steps: {
    ticking: (ctx) => ctx.left > 0,
    tick(ctx) {
      console.log(ctx.left)
      ctx.left -= 1 // ctx is an immer draft: the next step sees a new frozen snapshot
    },
    liftOff: () => out('launched', true),
  },
  outline: (s) => [while_(s.ticking)(s.tick), s.liftOff],
})

const outputs = await Countdown.create({ from: 3 }).execute()
console.log(outputs) // { launched: true }
