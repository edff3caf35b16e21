/**
 * B2: 1,000 trivial 3-step work chains (the last step emits one output) created, then run
 * concurrently on one runner; processes per second, creation included.
 *
 * One run makes a fresh runner (untimed), then times: creating the 1,000 processes (input
 * validation, pid, snapshot, handle) and `Promise.all` of their `execute()`. Outputs are checked
 * after the clock stops.
 */
import { Runner, silentLogger } from '../lib/index.js'
import { ThreeSteps } from './definitions.js'
import {
  check,
  measurement,
  plan,
  runIfMain,
  sample,
  timed,
  type Timing,
  type WorkloadArgs,
} from './harness.js'

/**
 * One run: a fresh runner (untimed), then `count` chains created and executed together (timed);
 * every output is checked after the clock stops.
 */
export const runThreeSteps = async (count: number): Promise<Timing> => {
  const runner = new Runner({ logger: silentLogger })
  let outputs: { y: number }[] = []
  const timing = await timed(async () => {
    const processes = []
    for (let x = 0; x < count; x++) processes.push(ThreeSteps.create({ x }, { runner }))
    outputs = await Promise.all(processes.map((process) => process.execute()))
  })
  check(outputs.length === count && outputs.every((o, x) => o.y === x), 'every chain emitted y = x')
  return timing
}

export const main = async (args: WorkloadArgs) => {
  const count = args.smoke ? 50 : 1_000
  const runs = plan(args, { warmup: 5, runs: 15 })
  const once = () => runThreeSteps(count)
  const samples = await sample(runs, count, 'per-second', once)
  return [
    measurement(
      {
        id: 'B2',
        what: `processes per second, ${count} 3-step chains created then run concurrently`,
        unit: 'processes/s',
        better: 'higher',
        details: {
          count,
          counted: 'processes; the time covers create() and Promise.all(execute())',
        },
      },
      samples,
      runs.warmup,
    ),
  ]
}

runIfMain(import.meta.url, main)
