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
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { AmqpCommunicator } from '../lib/comms/amqp/index.js'
import { RemoteProcessController, silentLogger } from '../lib/index.js'
import { Work } from '../examples/scaling/definitions.js'
import { server } from './services.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** `plumpy-ts worker`, resolved once it says it is ready. */
const startWorker = (broker: string, store: string, prefix: string): Promise<ChildProcess> =>
  new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'lib/cli/main.ts'),
        'worker',
        '--broker',
        broker,
        '--store',
        store,
        '--prefix',
        prefix,
        '--definitions',
        join(ROOT, 'examples/scaling/definitions.ts'),
        '--name',
        'roundtrip',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let log = ''
    const timer = setTimeout(() => fail(new Error(`the worker did not start:\n${log}`)), 60_000)
    const read = (chunk: Buffer) => {
      log += chunk.toString()
      if (/\] ready: /.test(log)) {
        clearTimeout(timer)
        // Its one line per state change is not what is measured: drain it.
        child.stdout?.removeAllListeners('data')
        child.stdout?.resume()
        done(child)
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
    child.on('exit', (code) => fail(new Error(`the worker exited (${code}):\n${log}`)))
  })

const MS_PER_TICK =
  1000 / (Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100)

/** utime + stime of a process in ms, from /proc/<pid>/stat (Linux). */
const cpuMs = (pid: number | undefined): number => {
  if (pid === undefined) return NaN
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK
  } catch {
    return NaN
  }
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number

const main = async () => {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '2000' },
      warmup: { type: 'string', default: '200' },
    },
  })
  const count = Number(values.count)
  const warmup = Number(values.warmup)
  const broker = server(
    process.env['PLUMPY_BENCH_AMQP_URL'],
    'rabbitmq.sh',
    (port) => `amqp://guest:guest@127.0.0.1:${port}?heartbeat=10`,
  )
  const database = server(
    process.env['PLUMPY_BENCH_PG_URL'],
    'postgres.sh',
    (port) => `postgres://postgres@127.0.0.1:${port}/postgres`,
  )
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
    const durable =
      process.env['PLUMPY_BENCH_PG_URL'] === undefined
        ? 'fsync on (private server)'
        : 'as configured'
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
