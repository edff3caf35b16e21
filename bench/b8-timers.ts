/**
 * B8: 10,000 processes sleeping on durable timers on one runner (`--processes N` for another
 * count; the README gives the 100,000 figure).
 *
 * Must run in a fresh process with `--expose-gc`. On one runner with the system clock:
 *
 * 1. At rest (full collections, as B5 reads it), then `N` `B8Sleeper` processes created and
 *    executed, each `yield* sleep(settle + i % 1000)` inside its step: deadlines spread over a
 *    second (and over the launch); `settle` leaves time to read memory before the first fires.
 * 2. Once every one is WAITING, memory at rest again: the heap (`heapUsed`) per sleeping process
 *    is `B8`, rss per process `B8-rss` (for information).
 * 3. The timers fire on their own. For each process, its lateness is the runner's clock when it
 *    left WAITING minus its deadline (the deadline `sleep` gave back, which the process outputs):
 *    `B8-lateness` is the largest (its median, p99 and the checks are in the details). A
 *    measurement, not a test: a late timer is reported, never failed.
 * 4. `B8-fires`: `N` more processes (`B8Burst`) all `sleepUntil` one instant, far enough ahead
 *    for all of them to be waiting: fires per second is `N` over the time from that instant to
 *    the last one ended (woken, its step finished, FINISHED).
 *
 * One sample per process (`bench/run.ts` starts 3 in a full run, 1 with `--processes`).
 */
import * as t from 'io-ts'
import { setTimeout as pause } from 'node:timers/promises'
import {
  Runner,
  defineProcess,
  input,
  out,
  output,
  silentLogger,
  sleep,
  sleepUntil,
  type ProcessHandle,
} from '../lib/index.js'
import { check, runIfMain, untimed, type Measurement, type WorkloadArgs } from './harness.js'
import { atRest, collect, restingYoungGeneration } from './memory-at-rest.js'

/** Sleeps for `ms` inside its step, then outputs the deadline it slept until. */
export const Sleeper = defineProcess({
  name: 'B8Sleeper',
  spec: { inputs: { ms: input(t.number) }, outputs: { deadline: output(t.number) } },
  steps: {
    *nap(_ctx, { inputs }) {
      const deadline = yield* sleep(inputs.ms)
      yield* out('deadline', deadline)
    },
  },
})

/** Sleeps until the instant `at`, then outputs it. */
export const Burst = defineProcess({
  name: 'B8Burst',
  spec: { inputs: { at: input(t.number) }, outputs: { deadline: output(t.number) } },
  steps: {
    *nap(_ctx, { inputs }) {
      const deadline = yield* sleepUntil(inputs.at)
      yield* out('deadline', deadline)
    },
  },
})

/** The value at quantile `q` (0 to 1) of sorted values. */
const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number

/** Records, for every process of the runner, its runner-clock instant of leaving WAITING. */
const wakeTimes = (runner: Runner): Map<string, number> => {
  const woken = new Map<string, number>()
  runner.use({
    stateChanged(process, from, to) {
      if (from === 'WAITING' && to === 'RUNNING') woken.set(process.pid, runner.clock())
    },
  })
  return woken
}

const deadlineOf = (process: ProcessHandle): number => {
  const deadline = (process.outputs as { deadline?: number }).deadline
  check(process.state === 'FINISHED' && typeof deadline === 'number', `${process.pid} FINISHED`)
  return deadline as number
}

/** Phases 1–3: memory per sleeping process at rest, then the lateness of every fire. */
const sleeping = async (count: number, smoke: boolean) => {
  const restingYoung = restingYoungGeneration()
  const settleMs = smoke ? 1_500 : 15_000 + Math.round(count * 0.5)
  const restLimitMs = smoke ? 0 : 10_000
  // Warm-up: the same path, dropped, so that code and lazily built structures are in place.
  {
    const runner = new Runner({ logger: silentLogger })
    const warm = Array.from({ length: 200 }, (_, i) => Sleeper.create({ ms: i % 5 }, { runner }))
    await Promise.all(warm.map((p) => p.execute()))
  }
  const before = await atRest(restingYoung, restLimitMs)
  const runner = new Runner({ logger: silentLogger })
  const woken = wakeTimes(runner)
  const launchStarted = performance.now()
  const processes: ProcessHandle[] = []
  const ended: Promise<unknown>[] = []
  for (let i = 0; i < count; i++) {
    const process = Sleeper.create({ ms: settleMs + (i % 1_000) }, { runner })
    processes.push(process)
    ended.push(process.execute())
  }
  const launchMs = performance.now() - launchStarted
  // The launch took part of the settling time: wait for rest only as long as leaves a margin.
  const restMs = Math.max(0, Math.min(restLimitMs, settleMs - launchMs - 5_000))
  check(
    processes.every((p) => p.state === 'WAITING'),
    `${count} processes WAITING on their timers`,
  )
  const after = await atRest(restingYoung, restMs)
  check(woken.size === 0, 'memory was read before the first timer fired')
  await Promise.all(ended)
  const lateness = processes
    .map((p) => (woken.get(p.pid) as number) - deadlineOf(p))
    .sort((a, b) => a - b)
  check(lateness.length === count && lateness.every(Number.isFinite), `${count} fires timed`)
  return { before, after, lateness, launchMs, settleMs }
}

/** Phase 4: fires per second of `count` timers falling due at one instant. */
const burst = async (count: number, launchMs: number) => {
  for (let marginMs = Math.max(1_000, Math.round(3 * launchMs)); ; marginMs *= 2) {
    const runner = new Runner({ logger: silentLogger })
    const at = runner.clock() + marginMs
    const processes = Array.from({ length: count }, () => Burst.create({ at }, { runner }))
    let lastEnded = 0
    const ended = processes.map((p) => p.execute().then(() => (lastEnded = runner.clock())))
    if (runner.clock() >= at) {
      // Creating them took longer than the margin (a loaded machine): their timers are due as
      // they are armed, which measures nothing. Again, once they are done, with twice the margin.
      check(marginMs < 60_000, 'the burst processes were created before their instant')
      await Promise.all(ended)
      continue
    }
    await Promise.all(ended)
    for (const p of processes) check(deadlineOf(p) === at, 'each burst process slept until `at`')
    // The clock reads whole milliseconds: at least one, so that a rate is finite.
    const spanMs = Math.max(1, lastEnded - at)
    return { firesPerSecond: count / (spanMs / 1000), spanMs }
  }
}

export const main = async (args: WorkloadArgs): Promise<Measurement[]> => {
  const count = args.numbers.get('processes') ?? (args.smoke ? 500 : 10_000)
  check(Number.isInteger(count) && count > 0, `--processes is a whole number above 0`)
  const run = await sleeping(count, args.smoke)
  collect()
  await pause(100)
  const fires = await burst(count, run.launchMs)
  const { before, after, lateness } = run
  const kib = (bytes: number) => bytes / count / 1024
  const details = {
    count,
    settleMs: run.settleMs,
    spreadMs: 1_000,
    launchMs: Math.round(run.launchMs),
    heapUsedBefore: before.memory.heapUsed,
    heapUsedAfter: after.memory.heapUsed,
    rssBefore: before.memory.rss,
    rssAfter: after.memory.rss,
    waitedForRestMs: [before.waitedMs, after.waitedMs],
    latenessMs: {
      max: lateness[lateness.length - 1],
      p99: quantile(lateness, 0.99),
      median: quantile(lateness, 0.5),
      min: lateness[0],
      over50ms: lateness.filter((ms) => ms > 50).length,
    },
    burst: { spanMs: fires.spanMs },
  }
  const describe = (id: string, what: string, unit: string, better: 'higher' | 'lower') => ({
    id,
    what,
    unit,
    better,
    details,
  })
  return [
    untimed(
      describe(
        'B8',
        `V8 heap per sleeping process at rest, ${count} on one runner`,
        'KiB',
        'lower',
      ),
      [kib(after.memory.heapUsed - before.memory.heapUsed)],
    ),
    untimed(describe('B8-rss', `rss per sleeping process at rest, ${count}`, 'KiB', 'lower'), [
      kib(after.memory.rss - before.memory.rss),
    ]),
    untimed(describe('B8-lateness', `latest fire after its deadline, of ${count}`, 'ms', 'lower'), [
      lateness[lateness.length - 1] as number,
    ]),
    untimed(
      describe(
        'B8-fires',
        `${count} timers due at one instant: fires per second`,
        'fires/s',
        'higher',
      ),
      [fires.firesPerSecond],
    ),
  ]
}

runIfMain(import.meta.url, main)
