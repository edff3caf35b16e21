/**
 * B5: 10,000 live processes, created and not run; resident memory per process.
 *
 * Must run in a fresh process with `--expose-gc` (`bench/run.ts` starts one per sample):
 * a warm-up creates and drops a few hundred processes so that code and lazily built structures
 * are in place, then full collections; the baseline is read; 10,000 `ThreeSteps` processes are
 * created on one runner (which keeps them, as they are live) and held in an array; full
 * collections again; the difference in `rss` (and in `heapUsed`) divided by the count is the
 * figure. One sample per process: several processes give the median.
 */
import { Runner, silentLogger } from '../lib/index.js'
import { ThreeSteps } from './definitions.js'
import { check, runIfMain, untimed, type WorkloadArgs } from './harness.js'

const collect = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('B5 needs node --expose-gc')
  for (let i = 0; i < 3; i++) gc()
}

export const main = async (args: WorkloadArgs) => {
  const count = args.smoke ? 500 : 10_000
  // Warm-up: the same path as the measured one, then dropped.
  {
    const runner = new Runner({ logger: silentLogger })
    for (let x = 0; x < 300; x++) ThreeSteps.create({ x }, { runner })
  }
  collect()
  const before = process.memoryUsage()
  const runner = new Runner({ logger: silentLogger })
  const live = []
  for (let x = 0; x < count; x++) live.push(ThreeSteps.create({ x }, { runner }))
  collect()
  const after = process.memoryUsage()
  check(
    live.every((p) => p.state === 'CREATED') && runner.list().length === count,
    `${count} live processes in CREATED`,
  )
  const kib = (bytes: number) => bytes / count / 1024
  const details = {
    count,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapUsedBefore: before.heapUsed,
    heapUsedAfter: after.heapUsed,
    externalDelta: after.external - before.external,
    counted: 'memory after minus before, each after 3 full gc(), divided by the count',
  }
  return [
    untimed(
      {
        id: 'B5',
        what: `resident memory (rss) per live process, ${count} created and not run`,
        unit: 'KiB',
        better: 'lower',
        details,
      },
      [kib(after.rss - before.rss)],
    ),
    untimed(
      {
        id: 'B5-heap',
        what: `V8 heap (heapUsed) per live process, ${count} created and not run`,
        unit: 'KiB',
        better: 'lower',
        details,
      },
      [kib(after.heapUsed - before.heapUsed)],
    ),
  ]
}

runIfMain(import.meta.url, main)
