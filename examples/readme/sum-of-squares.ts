// A first work chain: a generator step launches a child process, waits for it, and gets its
// outputs back typed; the chain loops until it is done and emits its output. (Run it with
// quick-start.ts.)
import * as t from 'io-ts'
import {
  defineProcess,
  defineWorkChain,
  input,
  launch,
  out,
  output,
  toContext,
  while_,
} from '../../lib/index.js'

export const Square = defineProcess({
  name: 'Square',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x ** 2) },
})

export const SumOfSquares = defineWorkChain({
  name: 'SumOfSquares',
  spec: { inputs: { n: input(t.number) }, outputs: { total: output(t.number) } },
  context: () => ({ round: 0, total: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.round < inputs.n, // a predicate
    *collect(ctx) {
      const { sq } = yield* toContext({ sq: launch(Square, { x: ctx.round }) })
      ctx.total += sq.y // ctx is an immer draft; sq is typed from Square's outputs
      ctx.round += 1
    },
    *finish(ctx) {
      yield* out('total', ctx.total)
    },
  },
  outline: (s) => [while_(s.more)(s.collect), s.finish],
})
