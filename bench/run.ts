/**
 * `npm run bench`: runs the workloads of BENCH.md, each in a fresh Node process of its own, prints
 * a table against plumpy 0.26's figures and our goals, and writes the figures as JSON.
 *
 *   npm run bench                        every workload, full sizes → bench/results/latest.json
 *   npm run bench -- --only B1,B4        some workloads (a prefix: B3 is B3a, B3b and B3c)
 *   npm run bench -- --smoke             tiny sizes, no goals checked → bench/results/smoke.json
 *   npm run bench -- --out other.json    write the JSON elsewhere
 *   npm run bench -- --tsx               run the TypeScript through tsx instead of compiled
 *   npm run bench -- --only B8 --processes 100000   B8 at another size (10,000 by default)
 *
 * A full run first compiles `lib/` and `bench/` as TypeScript emits them (see `compile.ts`: tsx's
 * own transform doubles a live process's heap), then starts a fresh Node process on that code for
 * each workload (and five for B5, one sample each), so that no workload's JIT or heap state leaks
 * into another's figures. A smoke run only checks that the workloads still run, quickly: it runs
 * the sources in this process, except B5, which needs a fresh one with `--expose-gc` (and keeps
 * the process protocol exercised).
 *
 * The limits the workloads are read against (`limits.ts`) run first, and with `--only` whenever
 * a chosen workload has one, so that every fraction compares figures of the same run.
 *
 * The exit code is 0 when every workload ran (whether or not it met its goal): benchmarks are
 * measurements, never tests.
 */
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Unmeasured } from './budget.js'
import { limitsOf } from './fractions.js'
import { COMPILED_DIR, compileForBench } from './compile.js'
import { median, parseWorkloadArgs, type Measurement, type WorkloadArgs } from './harness.js'
import { machineInfo } from './machine.js'
import { brokerUnavailable, postgresUnavailable } from './servers.js'
import { printTable, rowsOf } from './table.js'
import { runWorkloadProcess } from './workload-process.js'
import { optionValue, parseRunOptions, writeRunReport, type RunOptions } from './run-options.js'

const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(BENCH_DIR, '..')

/** One workload process to start: which file, with which arguments, how many times. */
interface Job {
  readonly ids: readonly string[]
  readonly file: string
  readonly args: readonly string[]
  readonly nodeFlags: readonly string[]
  /** Fresh processes to start; their samples are pooled (B5 takes one sample per process). */
  readonly processes: number
  /** Whether it needs a fresh process even in a smoke run. */
  readonly alwaysFresh: boolean
  /** Why it cannot run here (then its row says so instead), or undefined when it can. */
  readonly unavailable?: () => string | undefined
  /** The row that says why, when it cannot run or fails (see `NOT_MEASURED`). */
  readonly unmeasuredId?: string
}

/** Who needs what: the B8 size asked for on the command line, if any. */
interface Sizes {
  readonly processes: number | undefined
}

const jobs = (smoke: boolean, sizes: Sizes): Job[] => {
  const job = (ids: string[], file: string, more: Partial<Job> = {}): Job => ({
    ids,
    file,
    args: [],
    nodeFlags: [],
    processes: 1,
    alwaysFresh: false,
    ...more,
  })
  const longHistory = smoke ? 1_000 : 100_000
  return [
    job(
      ['L-resume', 'L-produce', 'L-stringify', 'L-produce+stringify', 'L-parse', 'L-sqlite'],
      'limits.ts',
    ),
    job(['L-pg'], 'limits.ts', {
      args: ['--postgres', '1'],
      unavailable: () => postgresUnavailable(smoke),
      unmeasuredId: 'L-pg',
    }),
    job(['B1'], 'b1-steps.ts'),
    job(['B2'], 'b2-processes.ts'),
    job(['B3a'], 'b3a-checkpoints-memory.ts'),
    job(['B3b'], 'b3b-checkpoints-sqlite.ts'),
    job(['B3c'], 'b3c-checkpoint-size.ts'),
    job(
      ['B3d-loopback', 'B3d', 'B3d-1-ratio', 'B3d-100', 'B3d-100-ratio'],
      'b3d-strict-postgres.ts',
      { unavailable: () => postgresUnavailable(smoke) },
    ),
    job(['B4'], 'b4-reload.ts'),
    job(['B5'], 'b5-memory.ts', {
      nodeFlags: ['--expose-gc'],
      processes: smoke ? 1 : 5,
      alwaysFresh: true,
    }),
    job(['B6@10'], 'b6-resume.ts', { args: ['--after', '10'] }),
    job([`B6@${longHistory}`], 'b6-resume.ts', { args: ['--after', String(longHistory)] }),
    job(['B7-1w', 'B7-2w', 'B7-rt', 'B7-stalls', 'B7-cpu'], 'b7-rabbitmq.ts', {
      unavailable: () => brokerUnavailable(smoke),
      unmeasuredId: 'B7',
    }),
    job(
      ['flat', 'nested'].flatMap((shape) => [
        ...[10, 1_000, 10_000].flatMap((size) =>
          ['', '-checkpointed', '-bytes'].map((row) => `B10-${shape}@${size}${row}`),
        ),
        `B10-${shape}-spread`,
      ]),
      'b10-context-size.ts',
    ),
    job(['B8', 'B8-lateness', 'B8-fires', 'B8-rss'], 'b8-timers.ts', {
      nodeFlags: ['--expose-gc'],
      alwaysFresh: true,
      processes: smoke || sizes.processes !== undefined ? 1 : 3,
      args: sizes.processes === undefined ? [] : ['--processes', String(sizes.processes)],
    }),
    job(['B9-rt', 'B9-p99', 'B9-tp', 'B9-pg-rt', 'B9-pg-p99', 'B9-pg-tp'], 'b9-signals.ts', {
      unavailable: () => brokerUnavailable(smoke),
      unmeasuredId: 'B9',
    }),
    job(
      [
        'B7e-pg-rt',
        'B7e-pg-p99',
        'B7e-pg-launches',
        'B7e-sqlite-rt',
        'B7e-sqlite-p99',
        'B7e-sqlite-launches',
      ],
      'b7e-worker-durable.ts',
      {
        unavailable: () => brokerUnavailable(smoke) ?? postgresUnavailable(smoke),
      },
    ),
  ]
}

/** Run a workload module's `main` in this process (smoke runs). */
const runHere = async (job: Job): Promise<Measurement[]> => {
  const module = (await import(pathToFileURL(join(BENCH_DIR, job.file)).href)) as {
    main: (args: WorkloadArgs) => Promise<Measurement[]>
  }
  return module.main(parseWorkloadArgs([...job.args, '--smoke']))
}

/** Pool the measurements of several processes of one job: same ids, samples concatenated. */
const pool = (runs: readonly Measurement[][]): Measurement[] => {
  const first = runs[0] ?? []
  return first.map((m) => {
    const same = runs.map((r) => r.find((x) => x.id === m.id) as Measurement)
    const samples = same.flatMap((x) => x.samples)
    const pooled: Measurement = { ...m, samples, median: median(samples) }
    if (m.cpuSamples === undefined) return pooled
    const cpuSamples = same.flatMap((x) => x.cpuSamples ?? [])
    return { ...pooled, cpuSamples, cpuMedian: median(cpuSamples) }
  })
}

interface Options extends RunOptions {
  readonly sizes: Sizes
}

const parseOptions = (argv: readonly string[]): Options => {
  const shared = parseRunOptions(argv, (smoke) =>
    join(BENCH_DIR, 'results', smoke ? 'smoke.json' : 'latest.json'),
  )
  const processes = optionValue(argv, '--processes')
  if (processes !== undefined && !(Number.isInteger(Number(processes)) && Number(processes) > 0))
    throw new Error(`--processes needs a whole number above 0, got '${processes}'`)
  const sizes = { processes: processes === undefined ? undefined : Number(processes) }
  return { ...shared, sizes }
}

/** `B3` names B3a, B3b…; `B1` names B1, not B10. */
const names = (prefix: string, id: string): boolean => {
  const upper = id.toUpperCase()
  return upper.startsWith(prefix) && !/^\d/.test(upper.slice(prefix.length))
}

const selected = (job: Job, only: readonly string[] | undefined): boolean =>
  only === undefined || job.ids.some((id) => only.some((prefix) => names(prefix, id)))

/**
 * The jobs `--only` asks for, with the limits they are read against (measured in the same run,
 * or their fractions could not be printed), in the order of `all`.
 */
const choose = (all: readonly Job[], only: readonly string[] | undefined): Job[] => {
  const asked = all.filter((job) => selected(job, only))
  const limits = limitsOf(asked.flatMap((job) => job.ids))
  return all.filter((job) => asked.includes(job) || job.ids.some((id) => limits.includes(id)))
}

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2))
  const chosen = choose(jobs(options.smoke, options.sizes), options.only)
  if (chosen.length === 0) throw new Error(`--only ${options.only?.join(',')} selects no workload`)
  const machine = machineInfo()
  console.log(
    `plumpy-ts benchmarks${options.smoke ? ' (smoke: tiny sizes, no goals)' : ''} on ` +
      `${machine.cpu} × ${machine.cores}, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
  )
  if (options.code === 'compiled') {
    const started = performance.now()
    const files = compileForBench()
    console.log(
      `  compiled ${files} files to ${relative(ROOT, COMPILED_DIR)} in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
  } else console.log('  running the TypeScript sources through tsx')
  const measurements: Measurement[] = []
  const failures: string[] = []
  const unmeasured: Unmeasured[] = []
  for (const job of chosen) {
    const reason = job.unavailable?.()
    if (reason !== undefined) {
      console.log(`  skipping ${job.ids.join(', ')} (${job.file}): ${reason}`)
      unmeasured.push({ id: job.unmeasuredId ?? job.ids[0] ?? job.file, reason })
      continue
    }
    const label = `${job.ids.join(', ')} (${job.file}${job.args.length > 0 ? ' ' + job.args.join(' ') : ''})`
    process.stdout.write(`  running ${label} …`)
    const started = performance.now()
    try {
      const runs: Measurement[][] = []
      if (options.smoke && !job.alwaysFresh) runs.push(await runHere(job))
      else
        for (let i = 0; i < job.processes; i++)
          runs.push(await runWorkloadProcess({ ...job, smoke: options.smoke, code: options.code }))
      measurements.push(...pool(runs))
      console.log(` ${((performance.now() - started) / 1000).toFixed(1)} s`)
    } catch (error) {
      console.log(' failed')
      console.error(error instanceof Error ? error.message : error)
      failures.push(label)
      if (job.unmeasuredId !== undefined)
        unmeasured.push({ id: job.unmeasuredId, reason: 'not measured (the workload failed)' })
    }
  }
  const loadAfter = machineInfo().loadAverage
  const rows = rowsOf(measurements, options.smoke, unmeasured)
  console.log()
  printTable(rows)
  if (machine.loadAverage[0] > machine.cores || (loadAfter[0] ?? 0) > machine.cores)
    console.log(
      `\nNote: the load average (${machine.loadAverage[0]} before, ${loadAfter[0]} after) exceeds ` +
        `the ${machine.cores} cores: other programs shared the CPU, so wall-clock figures are low ` +
        'and noisy; the CPU-time column is steadier.',
    )
  const report = {
    mode: options.smoke ? 'smoke' : 'full',
    code: options.code,
    only: options.only ?? null,
    machine: { ...machine, loadAverageAfter: loadAfter },
    rows,
    notMeasured: unmeasured,
    measurements,
    failures,
  }
  writeRunReport(options.out, report, failures)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
