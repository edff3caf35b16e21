/**
 * What the work chain specs share: a quiet runner, a run to the end, a child to launch, a chain
 * that counts.
 */
import * as t from 'io-ts'
import {
  Runner,
  defineProcess,
  defineWorkChain,
  input,
  output,
  silentLogger,
  type ProcessHandle,
} from '../../lib/index.js'
import { out } from '../../lib/commands/index.js'
import { while_ } from '../../lib/workchain/index.js'

export const newRunner = () => new Runner({ logger: silentLogger })

/** Run `process` to the end and return its handle (never rejects). */
export const run = async <I, O>(process: ProcessHandle<I, O>) => {
  await process.stepUntilTerminated()
  return process
}

/** A child that doubles its input. */
export const Double = defineProcess({
  name: 'Double',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

/** Counts to `n`, one step at a time, and outputs the count. */
export const Counted = defineWorkChain({
  name: 'Counted',
  spec: { inputs: { n: input(t.number) }, outputs: { count: output(t.number) } },
  context: () => ({ i: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.n,
    inc(ctx) {
      ctx.i += 1
    },
    report: (ctx) => out('count', ctx.i),
  },
  outline: (s) => [while_(s.more)(s.inc), s.report],
})
