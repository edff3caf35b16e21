/**
 * B7e: end-to-end launches through a real `plumpy-ts worker` (an OS process of its own) over
 * RabbitMQ, in strict durability (`--durability strict`: no step before its checkpoint is
 * committed, and an answer only once the last one is), with a PostgreSQL store and with a
 * SQLite store: 2,000 sequential launch-and-wait round trips (median, p99, rate over the run)
 * and 10,000 concurrent launches, all waited for (launches/s). The process is `Work` of
 * examples/scaling (one step, one output); every answer is checked.
 *
 * The servers are `PLUMPY_BENCH_AMQP_URL` and `PLUMPY_BENCH_PG_URL`, or private ones (PostgreSQL
 * with fsync on; see `servers.ts`). The SQLite file is a fresh one in a temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { AmqpCommunicator } from '../lib/comms/amqp/index.js'
import { RemoteProcessController, silentLogger } from '../lib/index.js'
import { Work } from '../examples/scaling/definitions.js'
import { check, runIfMain, untimed, type WorkloadArgs } from './harness.js'
import { startBroker, startPostgres } from './servers.js'
import { percentile, startWorker } from './worker-process.js'

/** One launch of `Work`, checked. */
const launch = async (controller: RemoteProcessController, index: number) => {
  const outputs = (await controller.launchProcess(Work, { pipeline: 'e2e', index })) as {
    value?: number
  }
  check(outputs.value === index * index, `launch ${index} answered ${JSON.stringify(outputs)}`)
}

/** Sequential round trips (ms each, after the warm-up), then concurrent launches (launches/s). */
const measureStore = async (
  broker: string,
  store: string,
  sizes: { warmup: number; sequential: number; concurrent: number },
) => {
  const prefix = `b7e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const worker = await startWorker(broker, store, prefix, [
    '--durability',
    'strict',
    '--slots',
    '1000',
  ])
  const communicator = await AmqpCommunicator.connect(broker, { prefix, logger: silentLogger })
  try {
    const controller = new RemoteProcessController(communicator)
    const latencies: number[] = []
    for (let i = 0; i < sizes.warmup + sizes.sequential; i++) {
      const before = performance.now()
      await launch(controller, i)
      if (i >= sizes.warmup) latencies.push(performance.now() - before)
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: sizes.concurrent }, (_, i) => launch(controller, i)))
    const launchesPerSecond = sizes.concurrent / ((performance.now() - started) / 1000)
    const sorted = [...latencies].sort((a, b) => a - b)
    const total = latencies.reduce((sum, ms) => sum + ms, 0)
    return {
      median: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      roundTripsPerSecond: (sizes.sequential * 1000) / total,
      launchesPerSecond,
    }
  } finally {
    await communicator.close()
    worker.kill('SIGKILL')
  }
}

export const main = async (args: WorkloadArgs) => {
  const full = args.smoke
    ? { warmup: 5, sequential: 20, concurrent: 50 }
    : { warmup: 200, sequential: 2_000, concurrent: 10_000 }
  // `--sequential N --concurrent N` for a shorter run by hand (BENCH.md's sizes otherwise).
  const sizes = {
    warmup: Math.min(full.warmup, args.numbers.get('sequential') ?? full.warmup),
    sequential: args.numbers.get('sequential') ?? full.sequential,
    concurrent: args.numbers.get('concurrent') ?? full.concurrent,
  }
  const broker = startBroker()
  const database = startPostgres()
  const dir = mkdtempSync(join(tmpdir(), 'plumpy-b7e-'))
  try {
    const stores = [
      { name: 'pg', label: 'PostgreSQL', url: database.url },
      { name: 'sqlite', label: 'SQLite', url: `sqlite:${join(dir, 'store.db')}` },
    ]
    const measurements = []
    for (const store of stores) {
      const figures = await measureStore(broker.url, store.url, sizes)
      const details = { ...sizes, durability: 'strict', store: store.label }
      measurements.push(
        untimed(
          {
            id: `B7e-${store.name}-rt`,
            what: `sequential round trips/s through a worker, ${store.label}, strict (over the run)`,
            unit: 'round trips/s',
            better: 'higher',
            details: { ...details, medianMs: figures.median, p99Ms: figures.p99 },
          },
          [figures.roundTripsPerSecond],
        ),
        untimed(
          {
            id: `B7e-${store.name}-p99`,
            what: `p99 of those round trips (median ${figures.median.toFixed(2)} ms)`,
            unit: 'ms',
            better: 'lower',
            details,
          },
          [figures.p99],
        ),
        untimed(
          {
            id: `B7e-${store.name}-launches`,
            what: `${sizes.concurrent} concurrent launches through a worker, ${store.label}, strict`,
            unit: 'launches/s',
            better: 'higher',
            details,
          },
          [figures.launchesPerSecond],
        ),
      )
    }
    return measurements
  } finally {
    rmSync(dir, { recursive: true, force: true })
    database.stop()
    broker.stop()
  }
}

runIfMain(import.meta.url, main)
