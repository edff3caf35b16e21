/**
 * Definitions for scaling out: the module a worker loads (`--definitions`), used by the README's
 * "Scaling out" section and by the worker tests.
 *
 * `Pipeline` is a multi-step work chain that, like an AiiDA work chain, hands each unit of work to
 * a child process and waits for it: `n` rounds of `submit` (launch a `Work` child) and `collect`
 * (add its value). Every round is two checkpointed waits, so a worker running pipelines turns its
 * event loop all the time and a pipeline can stop and go on anywhere between two rounds.
 *
 * Observing executions: with `PLUMPY_SCALING_RECORD=<file>` in the environment, each execution
 * of `Work.run` and `Pipeline.collect` appends a line `<os pid> <pipeline pid> <step> <index>`
 * to that file, synchronously (the line is in the kernel before the step returns, so a worker
 * killed right after it cannot lose it). That side effect is there only for observation: it
 * lets the tests count how many times each step ran, on which worker. (`Sleeper.wake` records
 * the wall-clock time it ran, in ms since the epoch, as its index.)
 */
import { appendFileSync } from 'node:fs'
import * as t from 'io-ts'
import {
  defineProcess,
  defineWorkChain,
  input,
  launch,
  out,
  output,
  signal,
  sleep,
  toContext,
  waitForResume,
  waitForSignal,
  while_,
} from '../../lib/index.js'

const record = (pipeline: string, step: string, index: number): void => {
  const file = process.env['PLUMPY_SCALING_RECORD']
  if (file !== undefined && file !== '')
    appendFileSync(file, `${process.pid} ${pipeline} ${step} ${index}\n`)
}

/** One unit of work of a pipeline: squares its index. */
export const Work = defineProcess({
  name: 'Work',
  spec: {
    inputs: { pipeline: input(t.string), index: input(t.number) },
    outputs: { value: output(t.number) },
  },
  steps: {
    run(_ctx, { inputs }) {
      record(inputs.pipeline, 'work', inputs.index)
      return out('value', inputs.index * inputs.index)
    },
  },
})

interface PipelineContext {
  i: number
  total: number
  work?: { readonly value: number }
}

/** `n` rounds of work, each done by a child: outputs the sum of the squares below `n`. */
export const Pipeline = defineWorkChain({
  name: 'Pipeline',
  spec: {
    inputs: { n: input(t.number, { default: 10 }) },
    outputs: { total: output(t.number), rounds: output(t.number) },
  },
  context: (): PipelineContext => ({ i: 0, total: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.n,
    submit: (ctx, { pid }) => toContext({ work: launch(Work, { pipeline: pid, index: ctx.i }) }),
    collect(ctx, { pid }) {
      record(pid, 'collect', ctx.i)
      ctx.total += ctx.work?.value ?? Number.NaN
      ctx.i += 1
    },
    *finish(ctx) {
      yield* out('total', ctx.total)
      yield* out('rounds', ctx.i)
    },
  },
  outline: (s) => [while_(s.more)(s.submit, s.collect), s.finish],
})

/**
 * The same pipeline written with one generator step a round: `round` launches the round's `Work`
 * child, waits for it inside itself, and adds its value up. A worker that stops in the middle of
 * a round continues it from the journal: the step is replayed up to its wait and gets the
 * child's outputs (recorded as `collect`, as in `Pipeline`).
 */
export const RoundPipeline = defineWorkChain({
  name: 'RoundPipeline',
  spec: {
    inputs: { n: input(t.number, { default: 10 }) },
    outputs: { total: output(t.number), rounds: output(t.number) },
  },
  context: (): { i: number; total: number } => ({ i: 0, total: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.n,
    *round(ctx, { pid }) {
      const { work } = yield* toContext({ work: launch(Work, { pipeline: pid, index: ctx.i }) })
      record(pid, 'collect', ctx.i)
      ctx.total += work.value
      ctx.i += 1
    },
    *finish(ctx) {
      yield* out('total', ctx.total)
      yield* out('rounds', ctx.i)
    },
  },
  outline: (s) => [while_(s.more)(s.round), s.finish],
})

/** The sum of the squares below `n`: what a `Pipeline` of `n` rounds outputs as `total`. */
export const expectedTotal = (n: number): number => ((n - 1) * n * (2 * n - 1)) / 6

/** The signal an `Approval` waits for. */
export const Approve = signal('approve', t.type({ by: t.string }))

/** Waits for an `approve` signal (`plumpy-ts signal <pid> approve '{"by":"ann"}'`). */
export const Approval = defineProcess({
  name: 'Approval',
  spec: { outputs: { by: output(t.string) } },
  steps: {
    *run() {
      const { by } = yield* waitForSignal(Approve)
      yield* out('by', by)
    },
  },
})

/**
 * Waits for an `approve` signal, then for a verdict by resume (`plumpy-ts resume <pid> '"yes"'`).
 * A resume sent before the approval is kept until the process waits for it.
 */
export const Review = defineProcess({
  name: 'Review',
  spec: { outputs: { by: output(t.string), verdict: output(t.string) } },
  steps: {
    *run() {
      const { by } = yield* waitForSignal(Approve)
      yield* out('by', by)
      yield* out('verdict', yield* waitForResume(t.string, 'a verdict'))
    },
  },
})

/**
 * Sleeps `ms` on a durable timer, then wakes: outputs the deadline it slept until. Its sleep
 * outlives the worker it began on: another worker continues it when it falls due.
 */
export const Sleeper = defineWorkChain({
  name: 'Sleeper',
  spec: {
    inputs: { ms: input(t.number, { default: 3_000 }) },
    outputs: { deadline: output(t.number) },
  },
  context: (): { deadline?: number } => ({}),
  steps: {
    *nap(ctx, { inputs }) {
      ctx.deadline = yield* sleep(inputs.ms)
    },
    *wake(ctx, { pid }) {
      record(pid, 'woke', Date.now())
      yield* out('deadline', ctx.deadline ?? Number.NaN)
    },
  },
  outline: (s) => [s.nap, s.wake],
})
