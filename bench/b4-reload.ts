/**
 * B4: load a checkpoint taken between steps 1 and 2 of a 3-step chain, recreate the process, run
 * it to FINISHED and check its outputs; × 1,000; reloads per second.
 *
 * Untimed setup: 1,000 chains (x = 0 … 999) run on a runner whose plugin keeps, for each, the JSON
 * text of its checkpoint at the entry into RUNNING after step 1 (cursor [1]). Timed, one after the
 * other for each text: `decodeCheckpoint(text)` (JSON.parse and the io-ts codec, as plumpy's figure
 * includes unpickling), `restoreBundle` on a runner with a `DefinitionRegistry`, `execute()` to
 * FINISHED; then y === x is checked for each (after the clock stops, so it costs nothing).
 */
import {
  DefinitionRegistry,
  Runner,
  bundle,
  decodeCheckpoint,
  encodeCheckpoint,
  restoreBundle,
  silentLogger,
  type ProcessHandle,
} from '../lib/index.js'
import { ThreeSteps } from './definitions.js'
import { check, measurement, plan, runIfMain, sample, timed, type WorkloadArgs } from './harness.js'

/** The checkpoints of `count` chains, each taken between its steps 1 and 2. */
export const checkpointsAfterFirstStep = async (count: number): Promise<string[]> => {
  const texts = new Map<string, string>()
  const runner = new Runner({ logger: silentLogger })
  runner.use({
    stateChanged(process, from, to) {
      if (from === 'RUNNING' && to === 'RUNNING' && !texts.has(process.pid))
        texts.set(process.pid, JSON.stringify(encodeCheckpoint(bundle(process))))
    },
  })
  const processes = []
  for (let x = 0; x < count; x++) processes.push(ThreeSteps.create({ x }, { runner }))
  await Promise.all(processes.map((process) => process.execute()))
  const ordered = processes.map((process) => texts.get(process.pid) as string)
  check(
    ordered.every((text) => (JSON.parse(text) as { at?: number[] }).at?.join() === '1'),
    'every checkpoint is at cursor [1], between steps 1 and 2',
  )
  return ordered
}

export const main = async (args: WorkloadArgs) => {
  const count = args.smoke ? 50 : 1_000
  // Each run keeps its 1,000 reloaded processes, and V8 grows its young generation somewhere in
  // the first dozen runs: the runs after that growth pay minor page faults and fall to a third
  // of the steady rate (bench/findings/b4.md). The warm-up covers it, so the median is the
  // steady state's, not the side of the growth it happened to land on.
  const runs = plan(args, { warmup: 20, runs: 11 })
  const texts = await checkpointsAfterFirstStep(count)
  const registry = DefinitionRegistry.of(ThreeSteps)
  const once = async () => {
    const runner = new Runner({ logger: silentLogger })
    const reloaded: ProcessHandle[] = []
    const timing = await timed(async () => {
      for (const text of texts) {
        const decoded = decodeCheckpoint(text)
        if (decoded._tag === 'Left') throw decoded.left
        const process = restoreBundle(runner, registry, decoded.right)
        await process.execute()
        reloaded.push(process)
      }
    })
    check(
      reloaded.every((p, x) => p.state === 'FINISHED' && (p.outputs as { y?: number }).y === x),
      'every reloaded chain FINISHED with y = x',
    )
    return timing
  }
  const samples = await sample(runs, count, 'per-second', once)
  return [
    measurement(
      {
        id: 'B4',
        what: `reloads per second: decode, restore, run to FINISHED; ${count} checkpoints in turn`,
        unit: 'reloads/s',
        better: 'higher',
        details: {
          count,
          checkpointBytes: Buffer.byteLength(texts[0] as string),
          counted:
            'reloads; the time covers decodeCheckpoint(JSON text), restoreBundle and execute(), ' +
            'one checkpoint after the other',
        },
      },
      samples,
      runs.warmup,
    ),
  ]
}

runIfMain(import.meta.url, main)
