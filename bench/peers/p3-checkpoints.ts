/**
 * P3, B3a's shape: a loop of 1,000 steps with a persisted snapshot per step, kept as JSON text in
 * memory; checkpoints per second, paired round by round with ours (B3a's code), and the bytes of
 * the last checkpoint of each. redux-saga has no snapshot to take, so it is not in this workload.
 */
import { check, plan, runIfMain, untimed, type WorkloadArgs } from '../harness.js'
import { measurePaired } from './paired.js'
import { oursCheckpointedLoop } from './ours.js'
import { xstatePersistedLoop } from './xstate.js'

interface Persisted {
  readonly timing: { readonly ms: number; readonly cpuMs: number }
  readonly checkpoints: number
  readonly bytes: number
}

/** A run that must write `expected` checkpoints; the timing alone goes on to the harness. */
const counted = (run: () => Promise<Persisted>, expected: number, who: string) => async () => {
  const { timing, checkpoints } = await run()
  check(checkpoints === expected, `${who} wrote ${expected} checkpoints, got ${checkpoints}`)
  return timing
}

const sizeRow = (id: string, what: string, bytes: number) =>
  untimed({ id, what, unit: 'B', better: 'lower', details: {} }, [bytes])

export const main = async (args: WorkloadArgs) => {
  const n = args.smoke ? 50 : 1_000
  // Ours: CREATED, RUNNING at the start and after each of the n steps, FINISHED. XState: the
  // snapshot `start()` hands over, then one per event.
  const oursCount = n + 3
  const xstateCount = n + 1
  const [ours, xstate] = [await oursCheckpointedLoop(n), await xstatePersistedLoop(n)]
  const measured = await measurePaired({
    id: 'P3',
    unit: 'checkpoints/s',
    plan: plan(args, { warmup: 5, runs: 15 }),
    contenders: [
      {
        name: 'ours',
        operations: oursCount,
        once: counted(() => oursCheckpointedLoop(n), oursCount, 'plumpy-ts'),
        what: `plumpy-ts: a loop of ${n} steps, a checkpoint per transition, in memory (B3a)`,
        details: { counted: 'saveCheckpoint calls; create(), execute(), flush()' },
      },
      {
        name: 'xstate',
        operations: xstateCount,
        once: counted(() => xstatePersistedLoop(n), xstateCount, 'XState'),
        what: `XState: a loop of ${n} events, JSON.stringify(getPersistedSnapshot()) per snapshot`,
        details: { counted: 'snapshots persisted; createActor(), start(), send() × n' },
      },
    ],
    ratios: [['ours', 'xstate']],
  })
  return [
    ...measured,
    sizeRow('P3-ours-bytes', 'bytes of the last checkpoint, plumpy-ts', ours.bytes),
    sizeRow('P3-xstate-bytes', 'bytes of the last persisted snapshot, XState', xstate.bytes),
  ]
}

runIfMain(import.meta.url, main)
