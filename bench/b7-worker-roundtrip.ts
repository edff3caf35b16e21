/**
 * The end-to-end round trip beside B7: launch-and-wait round trips through a real
 * `plumpy-ts worker` (the command, an OS process of its own) that checkpoints every transition
 * into a store (PostgreSQL by default, or SQLite) and claims every process there, over RabbitMQ.
 * B7 measures the broker path alone (its workers are runners without a store); this is what a
 * caller of `launchProcess` waits for on a deployment, and what the worker spends on it.
 *
 *   npx tsx bench/b7-worker-roundtrip.ts [--count 2000] [--warmup 200] [--concurrent 0]
 *     [--store pg|sqlite] [--durability strict|batched|async]
 *
 * The process is `Work` of examples/scaling (one step, one output). The broker and the database
 * are `PLUMPY_BENCH_AMQP_URL` and `PLUMPY_BENCH_PG_URL` when set; otherwise private servers
 * started with scripts/services in a temp directory, PostgreSQL with its durable defaults (fsync
 * and synchronous commits on, `PLUMPY_PG_DURABLE=1`), and stopped at the end; SQLite is a fresh
 * file in a temp directory. Prints the median and p99 of the sequential round trips, their rate,
 * the CPU the worker and the client spent per round trip, and, with `--concurrent N`, N launches
 * sent at once: their rate and the CPU each program spent per launch (the worker, the client, and
 * the broker and the database with their child processes when they are private servers), which
 * bounds the rate this machine's cores can reach. Not part of `npm run bench`: it needs
 * the servers and takes a minute.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { AmqpCommunicator } from '../lib/comms/amqp/index.js'
import { RemoteProcessController, silentLogger } from '../lib/index.js'
import { Work } from '../examples/scaling/definitions.js'
import { startBroker, startPostgres, type Server } from './servers.js'
import { cpuMs, percentile, startWorker, treeCpuMs } from './worker-process.js'

/** One launch of `Work`, checked. */
const launch = async (controller: RemoteProcessController, index: number) => {
  const outputs = (await controller.launchProcess(Work, { pipeline: 'rt', index })) as {
    value?: number
  }
  if (outputs.value !== index * index)
    throw new Error(`launch ${index} answered ${JSON.stringify(outputs)}`)
}

const main = async () => {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '2000' },
      warmup: { type: 'string', default: '200' },
      concurrent: { type: 'string', default: '0' },
      store: { type: 'string', default: 'pg' },
      durability: { type: 'string', default: 'batched' },
    },
  })
  const count = Number(values.count)
  const warmup = Number(values.warmup)
  const concurrent = Number(values.concurrent)
  if (values.store !== 'pg' && values.store !== 'sqlite')
    throw new Error(`--store is pg or sqlite, not '${values.store}'`)
  const broker = startBroker()
  const database: Server | undefined = values.store === 'pg' ? startPostgres() : undefined
  const directory = mkdtempSync(join(tmpdir(), 'plumpy-b7-rt-'))
  const store = database?.url ?? `sqlite:${join(directory, 'store.db')}`
  const prefix = `roundtrip-${process.pid}`
  let worker: ChildProcess | undefined
  let communicator: AmqpCommunicator | undefined
  try {
    worker = await startWorker(broker.url, store, prefix, ['--durability', values.durability])
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
      await launch(controller, i)
      if (i >= warmup) latencies.push(performance.now() - before)
    }
    const workerMs = cpuMs(worker.pid) - workerCpu
    const client = process.cpuUsage(clientCpu)
    const clientMs = (client.user + client.system) / 1000
    const total = latencies.reduce((sum, ms) => sum + ms, 0)
    const sorted = [...latencies].sort((a, b) => a - b)
    const median = percentile(sorted, 50)
    const kind =
      database === undefined
        ? 'SQLite'
        : `PostgreSQL: ${database.origin === 'private' ? 'fsync on (private server)' : 'as configured'}`
    console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`)
    console.log(
      `${kind}, --durability ${values.durability}; ${count} sequential round trips after ${warmup} of warm-up`,
    )
    console.log(
      `median ${median.toFixed(2)} ms (${Math.round(1000 / median)} round trips/s), ` +
        `p99 ${percentile(sorted, 99).toFixed(2)} ms, ` +
        `${Math.round((count * 1000) / total)} round trips/s over the run`,
    )
    console.log(
      `CPU per round trip: worker ${(workerMs / count).toFixed(2)} ms, ` +
        `client ${(clientMs / count).toFixed(2)} ms (the servers not counted)`,
    )
    if (concurrent > 0) {
      // Every program's CPU: the worker, this client, and the servers when they are ours.
      const programs: Record<string, number | undefined> = {
        worker: worker.pid,
        broker: broker.pid,
        database: database?.pid,
      }
      const before = Object.entries(programs).map(([name, pid]) => [name, treeCpuMs(pid)] as const)
      const clientBefore = process.cpuUsage()
      const started = performance.now()
      await Promise.all(Array.from({ length: concurrent }, (_, i) => launch(controller, i)))
      const elapsed = performance.now() - started
      const clientUsed = process.cpuUsage(clientBefore)
      const perLaunch = [
        ...before.map(
          ([name, ms]) => [name, (treeCpuMs(programs[name]) - ms) / concurrent] as const,
        ),
        ['client', (clientUsed.user + clientUsed.system) / 1000 / concurrent] as const,
      ].filter(([, ms]) => !Number.isNaN(ms))
      const total = perLaunch.reduce((sum, [, ms]) => sum + ms, 0)
      console.log(
        `${concurrent} launches at once: ${Math.round((concurrent * 1000) / elapsed)} launches/s; ` +
          `CPU per launch: ${perLaunch.map(([name, ms]) => `${name} ${ms.toFixed(3)}`).join(', ')} ms, ` +
          `${total.toFixed(3)} in all: at most ${Math.round((cpus().length * 1000) / total)} ` +
          `launches/s on ${cpus().length} cores`,
      )
    }
  } finally {
    await communicator?.close()
    worker?.kill('SIGKILL')
    database?.stop()
    broker.stop()
    rmSync(directory, { recursive: true, force: true })
  }
}

await main()
