/**
 * B1: one work chain `while_(i < N)(inc)`, `ctx.i += 1`, N = 10,000; loop steps per second.
 *
 * One run creates the chain on a runner without persistence and executes it to FINISHED; the
 * time covers creation and execution, and the count is the N `inc` steps (the predicate runs in
 * the same step call as `inc`, as plumpy's stepper evaluates it).
 */
import { Runner, silentLogger } from '../lib/index.js'
import { Loop } from './definitions.js'
import { check, measurement, plan, runIfMain, sample, timed, type WorkloadArgs } from './harness.js'

export const main = async (args: WorkloadArgs) => {
  const n = args.smoke ? 200 : 10_000
  const runs = plan(args, { warmup: 10, runs: 21 })
  const runner = new Runner({ logger: silentLogger })
  const once = async () => {
    const process = Loop.create({ n }, { runner })
    const timing = await timed(() => process.execute())
    check((process.ctx as { i: number }).i === n, `the loop ended at i = ${n}`)
    return timing
  }
  const samples = await sample(runs, n, 'per-second', once)
  return [
    measurement(
      {
        id: 'B1',
        what: `loop steps per second, one chain of N = ${n}`,
        unit: 'steps/s',
        better: 'higher',
        details: { n, counted: 'the N inc steps; the time covers execute() (create() is B2/B5)' },
      },
      samples,
      runs.warmup,
    ),
  ]
}

runIfMain(import.meta.url, main)
