/**
 * B9: signal round trips through RabbitMQ to a waiting process, one worker, on B7's set-up; then
 * the same with a worker that keeps its processes in PostgreSQL (`b9-workers.ts`).
 *
 * For each worker, in batches: `count` `B9Waiter` processes are launched through a
 * `RemoteProcessController` with `nowait` (a waiting process then holds no slot of the worker),
 * untimed, and each is seen WAITING (the worker broadcasts state changes; the client follows
 * them with one broadcast subscriber) and answering RPC. Then, timed:
 *
 * - `B9-rt`, `B9-p99`: sequential round trips, one per waiting process: send
 *   `controller.signal(pid, Ping, { n })` and wait until the signal is accepted and the
 *   process's next state change (WAITING → RUNNING) is seen by the client; the median and the
 *   99th percentile of a run, in ms;
 * - `B9-tp`: throughput: a fresh batch, one signal to each sent at once; signals per second, the
 *   time ending when every signal is accepted and every process is seen ended.
 *
 * Waiter `n` is sent `{ n }` and fails unless it gets that: every signal must be accepted and
 * every process seen FINISHED. `B9-pg-*` are the same figures with the
 * PostgreSQL worker. The broker is B7's (the environment's, or a private node); PostgreSQL is
 * `PLUMPY_BENCH_PG_URL` or a private server with durable commits, and without one the `B9-pg`
 * rows are left out (the details say why).
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as pause } from 'node:timers/promises'
import { RemoteProcessController, UnroutableError, silentLogger } from '../lib/index.js'
import { AmqpCommunicator } from '../lib/comms/amqp/index.js'
import { Ping, Waiter } from './b9-definitions.js'
import { startWorker, type WorkerKind, type WorkerProcess } from './b9-workers.js'
import { check, runIfMain, untimed, type Measurement, type WorkloadArgs } from './harness.js'
import { postgresUnavailable, startBroker, startPostgres, type Server } from './servers.js'
import { StateWatch } from './state-watch.js'

/** The value at quantile `q` (0 to 1) of sorted values. */
const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number

interface Session {
  readonly controller: RemoteProcessController
  readonly watch: StateWatch
  readonly limitMs: number
}

/** Reject when `promise` has not settled within `ms`: a hung worker must not hang the bench. */
const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`B9: ${what} took more than ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Resolves once `pid` answers RPC. A process subscribes for RPC as it starts, and may be seen
 * WAITING before the subscription is in place: a signal sent then would be unroutable.
 */
const reachable = async (controller: RemoteProcessController, pid: string): Promise<void> => {
  for (;;) {
    try {
      await controller.getStatus(pid)
      return
    } catch (error) {
      if (!(error instanceof UnroutableError)) throw error
      await pause(10)
    }
  }
}

/**
 * Launch `count` waiters `nowait`; resolves, once every one is WAITING and answers RPC, to their
 * pids, waiter `n` being the `n`-th. A process parked on a signal holds no slot of its worker, so
 * a batch may be larger than the worker's slots.
 */
const launchWaiting = async (session: Session, count: number): Promise<string[]> => {
  const { controller, watch, limitMs } = session
  const launches = Array.from({ length: count }, (_, n) => {
    const pid = randomUUID()
    const launched = controller.launchProcess(Waiter, { n }, { nowait: true, pid })
    return { pid, launched }
  })
  const pids = launches.map(({ pid }) => pid)
  await within(limitMs, `${count} launches`, Promise.all(launches.map((l) => l.launched)))
  await within(
    limitMs,
    `${count} processes reaching WAITING and answering RPC`,
    Promise.all(
      pids.map(async (pid) => {
        await watch.reached(pid, 'WAITING')
        await reachable(controller, pid)
      }),
    ),
  )
  return pids
}

/** Check that every signal was accepted and every process FINISHED (its `n` was its own). */
const checkEnded = async (session: Session, accepted: boolean[], ended: Promise<string>[]) => {
  check(
    accepted.every((yes) => yes),
    'every signal was accepted',
  )
  const states = await within(session.limitMs, 'the processes ending', Promise.all(ended))
  check(
    states.every((state) => state === 'FINISHED'),
    'every process FINISHED on the ping it was sent',
  )
}

/** One run of sequential round trips; the latency of each, in ms. */
const roundTrips = async (session: Session, count: number): Promise<number[]> => {
  const { controller, watch, limitMs } = session
  const pids = await launchWaiting(session, count)
  const ended = pids.map((pid) => watch.ended(pid))
  const latencies: number[] = []
  const accepted: boolean[] = []
  for (const [n, pid] of pids.entries()) {
    const started = performance.now()
    const changed = watch.next(pid)
    const [yes] = await within(
      limitMs,
      `round trip ${n}`,
      Promise.all([controller.signal(pid, Ping, { n }), changed]),
    )
    latencies.push(performance.now() - started)
    accepted.push(yes)
  }
  await checkEnded(session, accepted, ended)
  return latencies
}

/** One throughput run: signals per second, until every process has ended. */
const throughput = async (session: Session, count: number): Promise<number> => {
  const { controller, watch, limitMs } = session
  const pids = await launchWaiting(session, count)
  const ended = pids.map((pid) => watch.ended(pid))
  const started = performance.now()
  const accepted = await within(
    limitMs,
    `${count} signals at once`,
    Promise.all(pids.map((pid, n) => controller.signal(pid, Ping, { n }))),
  )
  await within(limitMs, `${count} processes ending`, Promise.all(ended))
  const ms = performance.now() - started
  await checkEnded(session, accepted, ended)
  return count / (ms / 1000)
}

interface Sizes {
  readonly count: number
  readonly warmup: number
  readonly runs: number
}

/** The B9 figures with one worker of `kind`, under the id prefix `id`. */
const measure = async (
  id: string,
  kind: WorkerKind,
  broker: Server,
  sizes: Sizes,
  details: Record<string, unknown>,
): Promise<Measurement[]> => {
  const prefix = `b9-${process.pid}-${Date.now().toString(36)}`
  let worker: WorkerProcess | undefined
  let client: AmqpCommunicator | undefined
  try {
    worker = await startWorker(kind, broker.url, prefix)
    client = await AmqpCommunicator.connect(broker.url, { prefix, logger: silentLogger })
    const watch = await StateWatch.on(client)
    const session = {
      controller: new RemoteProcessController(client),
      watch,
      limitMs: 300_000,
    }
    const medians: number[] = []
    const p99s: number[] = []
    const rates: number[] = []
    for (let run = 0; run < sizes.warmup + sizes.runs; run++) {
      const latencies = (await roundTrips(session, sizes.count)).sort((a, b) => a - b)
      const rate = await throughput(session, sizes.count)
      if (run < sizes.warmup) continue
      medians.push(quantile(latencies, 0.5))
      p99s.push(quantile(latencies, 0.99))
      rates.push(rate)
    }
    const all = {
      ...details,
      count: sizes.count,
      warmup: sizes.warmup,
      workers: 1,
      worker: kind._tag,
    }
    const describe = (suffix: string, what: string, unit: string, better: 'higher' | 'lower') => ({
      id: `${id}-${suffix}`,
      what,
      unit,
      better,
      details: all,
    })
    const where = kind._tag === 'runner' ? 'worker without a store' : 'worker on PostgreSQL'
    return [
      untimed(
        describe(
          'rt',
          `signal round trip, median of ${sizes.count} in turn, ${where}`,
          'ms',
          'lower',
        ),
        medians,
      ),
      untimed(
        describe(
          'p99',
          `signal round trip, p99 of ${sizes.count} in turn, ${where}`,
          'ms',
          'lower',
        ),
        p99s,
      ),
      untimed(
        describe(
          'tp',
          `${sizes.count} signals at once to waiting processes, ${where}: signals/s`,
          'signals/s',
          'higher',
        ),
        rates,
      ),
    ]
  } finally {
    await worker?.stop()
    await client?.close().catch(() => {})
  }
}

export const main = async (args: WorkloadArgs): Promise<Measurement[]> => {
  // `--count N`: another batch size for both workers (to try the workload quickly).
  const count = args.numbers.get('count')
  const sizes = args.smoke
    ? { count: count ?? 20, warmup: 0, runs: 1 }
    : { count: count ?? 1_000, warmup: 1, runs: 3 }
  const broker = startBroker()
  try {
    const origin = { broker: broker.origin }
    const bare = await measure('B9', { _tag: 'runner' }, broker, sizes, origin)
    const why = postgresUnavailable(args.smoke)
    if (why !== undefined)
      return bare.map((m) => ({ ...m, details: { ...m.details, postgres: why } }))
    const database = startPostgres()
    try {
      const stored = await measure(
        'B9-pg',
        { _tag: 'postgres', store: database.url },
        broker,
        sizes,
        {
          ...origin,
          postgres:
            database.origin === 'private' ? 'private server, fsync on' : 'from the environment',
        },
      )
      return [...bare, ...stored]
    } catch (error) {
      // The figures without a store stand; the PostgreSQL half is reported failed, not invented.
      console.error(`B9 on PostgreSQL failed: ${String(error)}`)
      return bare.map((m) => ({
        ...m,
        details: { ...m.details, postgres: `failed: ${String(error)}` },
      }))
    } finally {
      database.stop()
    }
  } finally {
    broker.stop()
  }
}

runIfMain(import.meta.url, main)
