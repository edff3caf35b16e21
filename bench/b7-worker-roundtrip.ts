/**
 * The end-to-end round trip beside B7: sequential launch-and-wait round trips through a real
 * `plumpy-ts worker` (the command, an OS process of its own) that checkpoints every transition
 * into PostgreSQL and claims every process there, over RabbitMQ. B7 measures the broker path
 * alone (its workers are runners without a store); this is what a caller of `launchProcess`
 * waits for on a deployment.
 *
 *   npx tsx bench/b7-worker-roundtrip.ts [--count 2000] [--warmup 200]
 *
 * The process is `Work` of examples/scaling (one step, one output). The broker and the database
 * are `PLUMPY_BENCH_AMQP_URL` and `PLUMPY_BENCH_PG_URL` when set; otherwise private servers
 * started with scripts/services in a temp directory, PostgreSQL with its durable defaults (fsync
 * and synchronous commits on, `PLUMPY_PG_DURABLE=1`), and stopped at the end. Prints the median
 * and p99 of the round trips, their rate, and the CPU model. Not part of `npm run bench`: it
 * needs both servers and takes a minute.
 */
import type { ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { AmqpCommunicator } from '../lib/comms/amqp/index.js'
import { RemoteProcessController, silentLogger } from '../lib/index.js'
import { Work } from '../examples/scaling/definitions.js'
import { startBroker, startPostgres } from './servers.js'
import { cpuMs, percentile, startWorker } from './worker-process.js'

const main = async () => {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '2000' },
      warmup: { type: 'string', default: '200' },
    },
  })
  const count = Number(values.count)
  const warmup = Number(values.warmup)
  const broker = startBroker()
  const database = startPostgres()
  const prefix = `roundtrip-${process.pid}`
  let worker: ChildProcess | undefined
  let communicator: AmqpCommunicator | undefined
  try {
    worker = await startWorker(broker.url, database.url, prefix)
    communicator = await AmqpCommunicator.connect(broker.url, { prefix, logger: silentLogger })
    const controller = new RemoteProcessController(communicator)
    const latencies: number[] = []
    let workerCpu = 0
    let clientCpu = process.cpuUsage()
    for (let i = 0; i < warmup + count; i++) {
      if (i === warmup) {
        workerCpu = cpuMs(worker.pid)
        clientCpu = process.cpuUsage()
      }
      const before = performance.now()
      const outputs = (await controller.launchProcess(Work, { pipeline: 'rt', index: i })) as {
        value?: number
      }
      if (outputs.value !== i * i)
        throw new Error(`launch ${i} answered ${JSON.stringify(outputs)}`)
      if (i >= warmup) latencies.push(performance.now() - before)
    }
    const workerMs = cpuMs(worker.pid) - workerCpu
    const client = process.cpuUsage(clientCpu)
    const clientMs = (client.user + client.system) / 1000
    const total = latencies.reduce((sum, ms) => sum + ms, 0)
    const sorted = [...latencies].sort((a, b) => a - b)
    const median = percentile(sorted, 50)
    const durable = database.origin === 'private' ? 'fsync on (private server)' : 'as configured'
    console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`)
    console.log(
      `PostgreSQL: ${durable}; ${count} sequential round trips after ${warmup} of warm-up`,
    )
    console.log(
      `median ${median.toFixed(2)} ms (${Math.round(1000 / median)} round trips/s), ` +
        `p99 ${percentile(sorted, 99).toFixed(2)} ms, ` +
        `${Math.round((count * 1000) / total)} round trips/s over the run`,
    )
    console.log(
      `CPU per round trip: worker ${(workerMs / count).toFixed(2)} ms, ` +
        `client ${(clientMs / count).toFixed(2)} ms (PostgreSQL and RabbitMQ not counted)`,
    )
  } finally {
    await communicator?.close()
    worker?.kill('SIGKILL')
    database.stop()
    broker.stop()
  }
}

await main()
