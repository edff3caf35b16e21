/**
 * What B3a and B3b share: the loop chain of 1,000 steps on a runner that checkpoints every
 * transition into a counting persister; checkpoints per second, the final flush included.
 */
import { Runner, silentLogger, type Persister } from '../lib/index.js'
import { CountingPersister, Loop } from './definitions.js'
import {
  check,
  measurement,
  plan,
  sample,
  timed,
  type Description,
  type WorkloadArgs,
} from './harness.js'

/** Measure checkpoints per second into the persister `open` makes (one per run). */
export const checkpointedLoop = async (
  args: WorkloadArgs,
  fields: Omit<Description, 'details' | 'unit' | 'better'>,
  open: () => Persister,
  full: { warmup: number; runs: number },
) => {
  const n = args.smoke ? 50 : 1_000
  const runs = plan(args, full)
  // One checkpoint per entry into RUNNING (the start, then after each of the n steps), plus the
  // entries into CREATED and FINISHED; each run checks that this is what was written.
  const expected = { CREATED: 1, RUNNING: n + 1, FINISHED: 1 }
  const perRun = n + 3
  let byState: Record<string, number> = {}
  let maxInFlight = 0
  const once = async () => {
    const persister = new CountingPersister(open())
    const runner = new Runner({ persister, checkpoints: 'every-transition', logger: silentLogger })
    const timing = await timed(async () => {
      const process = Loop.create({ n }, { runner })
      await process.execute()
      await runner.flush()
    })
    await persister.close()
    byState = Object.fromEntries(persister.byState)
    maxInFlight = Math.max(maxInFlight, persister.maxInFlight)
    check(
      persister.saves === perRun && JSON.stringify(byState) === JSON.stringify(expected),
      `${perRun} checkpoints written, by state ${JSON.stringify(expected)}; got ${JSON.stringify(byState)}`,
    )
    return timing
  }
  const samples = await sample(runs, perRun, 'per-second', once)
  return measurement(
    {
      ...fields,
      unit: 'checkpoints/s',
      better: 'higher',
      details: {
        n,
        checkpointsPerRun: perRun,
        maxSavesInFlight: maxInFlight,
        byState,
        counted:
          "saveCheckpoint calls completed on the persister (checkpoints: 'every-transition': " +
          'one per entry into RUNNING, plus CREATED and FINISHED); the time covers create(), ' +
          'execute() and runner.flush()',
      },
    },
    samples,
    runs.warmup,
  )
}
