/**
 * B5: 10,000 live processes, created and not run; resident memory per process.
 *
 * Must run in a fresh process with `--expose-gc` (`bench/run.ts` starts one per sample):
 * a warm-up creates and drops a few hundred processes so that code and lazily built structures
 * are in place; the baseline is read at rest; 10,000 `ThreeSteps` processes are created on one
 * runner (which keeps them, as they are live) and held in an array; memory is read at rest
 * again. The difference in `rss` (and in `heapUsed`) divided by the count is the figure. One
 * sample per process: several processes give the median.
 *
 * "At rest" means after full collections and once V8 has shrunk its young generation back.
 * Objects that survive their first collections make V8 grow the young generation (up to 16 MiB
 * here), and it gives that memory back only when allocation has stopped for a few seconds (its
 * "memory reducer"). Read at once, rss would count that nursery, which does not grow with the
 * number of live processes: read at rest, it counts what the processes hold, as a reading of a
 * Python process does. The reading taken at once is reported too (`B5-busy`).
 */
import { Runner, silentLogger } from '../lib/index.js'
import { ThreeSteps } from './definitions.js'
import { check, runIfMain, untimed, type WorkloadArgs } from './harness.js'
import { atRest, collect, restingYoungGeneration } from './memory-at-rest.js'

export const main = async (args: WorkloadArgs) => {
  const count = args.smoke ? 500 : 10_000
  const limitMs = args.smoke ? 0 : 20_000
  const restingYoung = restingYoungGeneration()
  // Warm-up: the same path as the measured one, then dropped.
  {
    const runner = new Runner({ logger: silentLogger })
    for (let x = 0; x < 300; x++) ThreeSteps.create({ x }, { runner })
  }
  const before = await atRest(restingYoung, limitMs)
  const runner = new Runner({ logger: silentLogger })
  const live = []
  for (let x = 0; x < count; x++) live.push(ThreeSteps.create({ x }, { runner }))
  collect()
  const busy = process.memoryUsage()
  const after = await atRest(restingYoung, limitMs)
  check(
    live.every((p) => p.state === 'CREATED') && runner.list().length === count,
    `${count} live processes in CREATED`,
  )
  const kib = (bytes: number) => bytes / count / 1024
  const details = {
    count,
    rssBefore: before.memory.rss,
    rssBusy: busy.rss,
    rssAfter: after.memory.rss,
    heapUsedBefore: before.memory.heapUsed,
    heapUsedAfter: after.memory.heapUsed,
    externalDelta: after.memory.external - before.memory.external,
    waitedForRestMs: [before.waitedMs, after.waitedMs],
    counted: 'memory at rest after minus before (see b5-memory.ts), divided by the count',
  }
  const describe = (id: string, what: string) => ({
    id,
    what,
    unit: 'KiB',
    better: 'lower' as const,
    details,
  })
  return [
    untimed(
      describe('B5', `resident memory (rss) per live process, ${count} created and not run`),
      [kib(after.memory.rss - before.memory.rss)],
    ),
    untimed(
      describe('B5-heap', `V8 heap (heapUsed) per live process, ${count} created and not run`),
      [kib(after.memory.heapUsed - before.memory.heapUsed)],
    ),
    untimed(describe('B5-busy', `rss per live process read at once, young generation included`), [
      kib(busy.rss - before.memory.rss),
    ]),
  ]
}

runIfMain(import.meta.url, main)
