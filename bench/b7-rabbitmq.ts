/**
 * B7: launches through RabbitMQ on loopback.
 *
 * - `B7-1w`, `B7-2w`: 1,000 concurrent `launchProcess` calls of a trivial process (one step, one
 *   output), all waited for, with 1 and with 2 workers: launches per second.
 * - `B7-rt`: 1,000 sequential launch-and-wait round trips with 1 worker: round trips per second.
 * - `B7-stalls`: sequential launches that took more than 0.25 s (per timed run of B7-rt).
 * - `B7-cpu`: CPU per launch in the 1-worker concurrent runs, client + worker + broker (the
 *   broker's only when its pid is known: a private broker started here).
 *
 * Each worker is an OS process of its own (this file, started with `PLUMPY_B7_WORKER=1`): its own
 * AmqpCommunicator, a `Runner` with no persister and a `ProcessLauncher` with 100 slots. The client
 * is this process, with its own AmqpCommunicator and a `RemoteProcessController`. Every run of the
 * workload uses a prefix of its own. The broker is `PLUMPY_BENCH_AMQP_URL` (or
 * `PLUMPY_TEST_AMQP_URL`) when set, otherwise a private node started with
 * `scripts/services/rabbitmq.sh` in a temp directory and stopped at the end.
 *
 * Worker and broker CPU are read from /proc/<pid>/stat (clock ticks, 10 ms each): the runs are
 * long enough (≥ 1,000 launches) for that resolution.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as t from 'io-ts'
import {
  defineWorkChain,
  input,
  out,
  output,
  RemoteProcessController,
  silentLogger,
} from '../lib/index.js'
import { AmqpCommunicator } from '../lib/comms/amqp/index.js'
import {
  check,
  measurement,
  median,
  plan,
  runIfMain,
  sample,
  timed,
  untimed,
  type Measurement,
  type WorkloadArgs,
} from './harness.js'
import { SLOTS, runLauncherWorker } from './launcher-worker.js'
import { ROOT, startBroker } from './servers.js'

/** The trivial process: one step, one output (y = x, so that each answer can be checked). */
export const Echo = defineWorkChain({
  name: 'B7Echo',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { echo: (_ctx, { inputs }) => out('y', inputs.x) },
  outline: (s) => [s.echo],
})

const HERE = fileURLToPath(import.meta.url)
const STALL_MS = 250
const TICKS_PER_SECOND = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  const value = Number(out.stdout?.trim())
  return Number.isFinite(value) && value > 0 ? value : 100
})()

/** utime + stime of a process, in ms, from /proc/<pid>/stat; undefined if unreadable. */
const procCpuMs = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // After the comm field: state is fields[0], utime is field 14 of stat → fields[11].
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

/** Reject when `promise` has not settled within `ms`: a hung broker must not hang the bench. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`B7: ${what} took more than ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

// ---------------------------------------------------------------------------------------------
// The worker program.

const runWorker = (): Promise<void> =>
  runLauncherWorker({
    url: process.env['PLUMPY_B7_URL'] as string,
    prefix: process.env['PLUMPY_B7_PREFIX'] as string,
    definition: Echo,
    control: false,
  })

interface Worker {
  readonly child: ChildProcess
  readonly pid: number
}

const startWorker = (url: string, prefix: string): Promise<Worker> =>
  new Promise((done, fail) => {
    const program = HERE.endsWith('.ts') ? ['--import', 'tsx', HERE] : [HERE]
    const child = spawn(process.execPath, program, {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PLUMPY_B7_WORKER: '1', PLUMPY_B7_URL: url, PLUMPY_B7_PREFIX: prefix },
    })
    let stderr = ''
    let stdout = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`B7: a worker did not start within 60 s:\n${stderr}`))
    }, 60_000)
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('READY\n')) {
        clearTimeout(timer)
        done({ child, pid: child.pid as number })
      }
    })
    child.on('error', (error) => {
      clearTimeout(timer)
      fail(error)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`B7: a worker exited (${code}) before it was ready:\n${stderr}`))
    })
  })

const stopWorker = (worker: Worker): Promise<void> =>
  new Promise((done) => {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return done()
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), 5_000)
    worker.child.once('exit', () => {
      clearTimeout(timer)
      done()
    })
    worker.child.stdin?.end()
  })

// ---------------------------------------------------------------------------------------------
// The workload.

export const main = async (args: WorkloadArgs): Promise<Measurement[]> => {
  const count = args.smoke ? 20 : 1_000
  const concurrentPlan = plan(args, { warmup: 2, runs: 7 })
  const sequentialPlan = args.smoke ? { warmup: 1, runs: 1 } : { warmup: 1, runs: 3 }
  const limitMs = args.smoke ? 60_000 : 300_000
  const prefix = `b7-${process.pid}-${Date.now().toString(36)}`
  const broker = startBroker()
  const workers: Worker[] = []
  let client: AmqpCommunicator | undefined
  try {
    client = await AmqpCommunicator.connect(broker.url, { prefix, logger: silentLogger })
    const controller = new RemoteProcessController(client)
    workers.push(await startWorker(broker.url, prefix))

    const concurrent = async () => {
      const outputs = await within(
        limitMs,
        `${count} concurrent launches`,
        Promise.all(Array.from({ length: count }, (_, x) => controller.launchProcess(Echo, { x }))),
      )
      check(
        outputs.every((o, x) => (o as { y?: number }).y === x),
        'every concurrent launch answered y = x',
      )
    }

    // 1 worker, concurrent; CPU of client, worker and broker per timed run.
    const cpu = { client: [] as number[], workers: [] as number[], broker: [] as number[] }
    let runIndex = 0
    const oneWorker = await sample(concurrentPlan, count, 'per-second', async () => {
      const workersBefore = workers.map((w) => procCpuMs(w.pid) ?? NaN)
      const brokerBefore = procCpuMs(broker.pid)
      const timing = await timed(concurrent)
      const workersMs = workers.reduce(
        (sum, w, i) => sum + (procCpuMs(w.pid) ?? NaN) - (workersBefore[i] as number),
        0,
      )
      const brokerAfter = procCpuMs(broker.pid)
      if (runIndex++ >= concurrentPlan.warmup) {
        cpu.client.push(timing.cpuMs / count)
        cpu.workers.push(workersMs / count)
        if (brokerBefore !== undefined && brokerAfter !== undefined)
          cpu.broker.push((brokerAfter - brokerBefore) / count)
      }
      return timing
    })

    // 1 worker, sequential round trips; stalls counted per timed run.
    const stalls: number[] = []
    const slowest: number[] = []
    let seqIndex = 0
    const roundTrips = await sample(sequentialPlan, count, 'per-second', async () => {
      let stalled = 0
      let worst = 0
      const timing = await timed(() =>
        within(
          limitMs,
          `${count} sequential launches`,
          (async () => {
            for (let x = 0; x < count; x++) {
              const started = performance.now()
              const out = (await controller.launchProcess(Echo, { x })) as { y?: number }
              const ms = performance.now() - started
              if (ms > STALL_MS) stalled += 1
              if (ms > worst) worst = ms
              if (out.y !== x)
                throw new Error(`benchmark check failed: launch ${x} answered ${out.y}`)
            }
          })(),
        ),
      )
      if (seqIndex++ >= sequentialPlan.warmup) {
        stalls.push(stalled)
        slowest.push(worst)
      }
      return timing
    })

    // 2 workers, concurrent.
    workers.push(await startWorker(broker.url, prefix))
    const twoWorkers = await sample(concurrentPlan, count, 'per-second', async () =>
      timed(concurrent),
    )

    const common = {
      count,
      prefix: 'b7-<pid>-<time>',
      broker:
        broker.origin === 'environment' ? 'from the environment' : 'private node (rabbitmq.sh)',
      slotsPerWorker: SLOTS,
    }
    const clientCpu = median(cpu.client)
    const workersCpu = median(cpu.workers)
    const brokerCpu = cpu.broker.length > 0 ? median(cpu.broker) : undefined
    const totals = cpu.client.map(
      (c, i) =>
        c + (cpu.workers[i] as number) + (brokerCpu === undefined ? 0 : (cpu.broker[i] as number)),
    )
    // The harness's CPU-time figure would be the client's alone here: B7-cpu counts every process.
    const wallOnly = ({ cpuMedian: _m, cpuSamples: _s, ...rest }: Measurement): Measurement => rest
    return [
      wallOnly(
        measurement(
          {
            id: 'B7-1w',
            what: `${count} concurrent launches through RabbitMQ, 1 worker: launches/s`,
            unit: 'launches/s',
            better: 'higher',
            details: {
              ...common,
              workers: 1,
              counted: 'launches, all waited for (outputs checked)',
            },
          },
          oneWorker,
          concurrentPlan.warmup,
        ),
      ),
      wallOnly(
        measurement(
          {
            id: 'B7-2w',
            what: `${count} concurrent launches through RabbitMQ, 2 workers: launches/s`,
            unit: 'launches/s',
            better: 'higher',
            details: {
              ...common,
              workers: 2,
              counted: 'launches, all waited for (outputs checked)',
            },
          },
          twoWorkers,
          concurrentPlan.warmup,
        ),
      ),
      wallOnly(
        measurement(
          {
            id: 'B7-rt',
            what: `${count} sequential launch-and-wait round trips, 1 worker: round trips/s`,
            unit: 'round trips/s',
            better: 'higher',
            details: { ...common, workers: 1, slowestMsPerRun: slowest },
          },
          roundTrips,
          sequentialPlan.warmup,
        ),
      ),
      untimed(
        {
          id: 'B7-stalls',
          what: `sequential launches taking > ${STALL_MS} ms, per run of ${count}`,
          unit: 'stalls',
          better: 'lower',
          details: { ...common, perRun: stalls, slowestMsPerRun: slowest },
        },
        stalls,
      ),
      untimed(
        {
          id: 'B7-cpu',
          what:
            'CPU per launch, 1 worker, concurrent: client + worker' +
            (brokerCpu === undefined ? '' : ' + broker'),
          unit: 'ms',
          better: 'lower',
          details: {
            ...common,
            clientMs: clientCpu,
            workerMs: workersCpu,
            brokerMs: brokerCpu ?? 'not measured (broker pid unknown: URL from the environment)',
            ticksPerSecond: TICKS_PER_SECOND,
          },
        },
        totals,
      ),
    ]
  } finally {
    await Promise.all(workers.map(stopWorker))
    await client?.close().catch(() => {})
    broker.stop()
  }
}

if (process.env['PLUMPY_B7_WORKER'] === '1')
  runWorker().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
else runIfMain(import.meta.url, main)
