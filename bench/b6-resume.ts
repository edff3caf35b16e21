/**
 * B6: resume cost against history. The B1 chain is checkpointed after `--after` steps (10 and
 * 100,000: one process each, started by `bench/run.ts`); the checkpoint is loaded and run to the
 * end, 10 more steps (N = after + 10). Figure: microseconds per load-and-finish (decode the JSON
 * text, `restoreBundle`, `execute()`), and the checkpoint's size. O(1) resume means both sizes
 * give the same figures, within noise.
 *
 * One sample times `batch` load-and-finish operations one after the other and divides, because a
 * single one is too short for the clock. Both sizes first run the same long chain (100,000 steps)
 * untimed, so that they start from the same JIT state: otherwise the process that had to run
 * 100,000 steps to take its checkpoint would be the better warmed one.
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
import { Loop } from './definitions.js'
import {
  check,
  measurement,
  plan,
  runIfMain,
  sample,
  timed,
  untimed,
  type WorkloadArgs,
} from './harness.js'

const MORE = 10

/** The checkpoint (JSON text) of the loop chain at the entry into RUNNING after `after` steps. */
export const checkpointAfter = async (after: number): Promise<string> => {
  let text: string | undefined
  const runner = new Runner({ logger: silentLogger })
  runner.use({
    stateChanged(process, _from, to) {
      if (to === 'RUNNING' && text === undefined && (process.ctx as { i: number }).i === after)
        text = JSON.stringify(encodeCheckpoint(bundle(process)))
    },
  })
  await Loop.create({ n: after + MORE }, { runner }).execute()
  if (text === undefined) throw new Error(`no checkpoint after ${after} steps`)
  return text
}

export const main = async (args: WorkloadArgs) => {
  const after = args.numbers.get('after') ?? 10
  const batch = args.smoke ? 20 : 1_000
  const runs = plan(args, { warmup: 3, runs: 15 })
  const longest = args.smoke ? 1_000 : 100_000
  await Loop.create({ n: longest }, { runner: new Runner({ logger: silentLogger }) }).execute()
  const text = await checkpointAfter(after)
  const registry = DefinitionRegistry.of(Loop)
  const runner = new Runner({ logger: silentLogger })
  const once = async () => {
    let finished = 0
    let last: ProcessHandle | undefined
    const timing = await timed(async () => {
      for (let k = 0; k < batch; k++) {
        const decoded = decodeCheckpoint(text)
        if (decoded._tag === 'Left') throw decoded.left
        last = restoreBundle(runner, registry, decoded.right)
        await last.execute()
        if (last.state === 'FINISHED') finished += 1
      }
    })
    check(finished === batch, 'every resumed chain FINISHED')
    check((last?.ctx as { i: number }).i === after + MORE, `it ended at i = ${after + MORE}`)
    return timing
  }
  const samples = await sample(runs, batch, 'µs-each', once)
  const id = `B6@${after}`
  return [
    measurement(
      {
        id,
        what: `µs per load-and-finish of ${MORE} more steps, checkpoint after ${after} steps`,
        unit: 'µs',
        better: 'lower',
        details: {
          after,
          more: MORE,
          batch,
          warmedBy: `one untimed chain of ${longest} steps`,
          counted: `time of ${batch} (decode, restoreBundle, execute()) in turn, divided by ${batch}`,
        },
      },
      samples,
      runs.warmup,
    ),
    untimed(
      {
        id: `${id}-size`,
        what: `bytes of the checkpoint after ${after} steps`,
        unit: 'B',
        better: 'lower',
        details: { after, checkpoint: text },
      },
      [Buffer.byteLength(text, 'utf8')],
    ),
  ]
}

runIfMain(import.meta.url, main)
