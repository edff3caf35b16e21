/**
 * The measuring harness every workload file shares: warm-up then timed runs, medians, the
 * command-line arguments a workload understands, and the one line through which a workload
 * process hands its figures to `bench/run.ts`.
 *
 * A workload file is a program of its own (`node --import tsx bench/b1-steps.ts`), so that each
 * workload runs in a fresh process whose JIT and heap no other workload has touched.
 */
import { writeFileSync } from 'node:fs'
import { Session, type Profiler } from 'node:inspector/promises'
import { findSourceMap } from 'node:module'
import { pathToFileURL } from 'node:url'

/** Whether larger or smaller figures are better. */
export type Better = 'higher' | 'lower'

/** One figure a workload measured: the median of its samples, and what it counted. */
export interface Measurement {
  /** The row id: `B1`, `B3c-increment`, `B6@100000`… */
  readonly id: string
  /** What the figure is, in words. */
  readonly what: string
  readonly unit: string
  readonly better: Better
  /** The median of the wall-clock samples. */
  readonly median: number
  /** Every timed sample (after warm-up), in the unit, from wall-clock time. */
  readonly samples: readonly number[]
  /**
   * The same figure from this process's CPU time (`process.cpuUsage`, all its threads) instead of
   * wall-clock time: steadier on a busy machine, and higher than wall-clock figures only when
   * other programs took the CPU away. Absent for figures that are not times.
   */
  readonly cpuMedian?: number
  readonly cpuSamples?: readonly number[]
  readonly warmup: number
  /** What was counted, sizes, checks: anything a reader needs to trust the figure. */
  readonly details: Readonly<Record<string, unknown>>
}

/** The prefix of the line carrying a workload's measurements as JSON. */
export const RESULT_PREFIX = 'BENCH_RESULT '

/** The arguments every workload understands. */
export interface WorkloadArgs {
  /** Tiny sizes, few runs: a check that the workload still runs, not a measurement. */
  readonly smoke: boolean
  /** Named numeric options (`--after 100000`). */
  readonly numbers: ReadonlyMap<string, number>
}

/** Read `--smoke` and `--name value` pairs. */
export const parseWorkloadArgs = (argv: readonly string[]): WorkloadArgs => {
  const numbers = new Map<string, number>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const next = argv[i + 1]
    if (arg.startsWith('--') && arg !== '--smoke' && next !== undefined) {
      const value = Number(next)
      if (!Number.isFinite(value)) throw new Error(`${arg} needs a number, got '${next}'`)
      numbers.set(arg.slice(2), value)
      i += 1
    }
  }
  return { smoke: argv.includes('--smoke'), numbers }
}

/** How many times to run: warm-up runs are discarded, then `runs` timed runs (at least 5 in full). */
export interface Plan {
  readonly warmup: number
  readonly runs: number
}

/** The sizes of a full run and of a smoke run. */
export const plan = (args: WorkloadArgs, full: Plan): Plan =>
  args.smoke ? { warmup: 1, runs: 3 } : full

/** The time one run took: wall-clock and CPU milliseconds. */
export interface Timing {
  readonly ms: number
  readonly cpuMs: number
}

/** The figures of several runs, from wall-clock and from CPU time. */
export interface Samples {
  readonly wall: number[]
  readonly cpu: number[]
}

/** How a run's time becomes its figure: operations per second, or microseconds per operation. */
export type Figure = 'per-second' | 'µs-each'

const figureOf = (figure: Figure, operations: number, ms: number): number =>
  figure === 'per-second' ? operations / (ms / 1000) : (ms * 1000) / operations

/**
 * Run `once` `warmup` times, then `runs` times, each run doing `operations` operations (steps,
 * checkpoints, reloads…), and turn each timed run into its figure, once from wall-clock and once
 * from CPU time.
 *
 * With `BENCH_CPU_PROFILE=<file>` in the environment, V8's CPU profiler (the one behind
 * `node --cpu-prof`) records exactly these runs, warm-up included, and the profile is written to
 * that file, with the number of operations it covers and the CPU time they took in
 * `<file>.json`: `bench/profile.ts` reads both. Process start-up, TypeScript compilation and the workload's setup stay out of it.
 */
export const sample = async (
  plan: Plan,
  operations: number,
  figure: Figure,
  once: () => Promise<Timing>,
): Promise<Samples> => {
  const profiler = await startProfiler()
  for (let i = 0; i < plan.warmup; i++) await once()
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < plan.runs; i++) {
    const timing = await once()
    wall.push(figureOf(figure, operations, timing.ms))
    cpu.push(figureOf(figure, operations, timing.cpuMs))
  }
  await profiler?.stop(operations * (plan.warmup + plan.runs))
  return { wall, cpu }
}

const startProfiler = async () => {
  const path = process.env['BENCH_CPU_PROFILE']
  if (path === undefined || path === '') return undefined
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 100 })
  await session.post('Profiler.start')
  const cpuStart = process.cpuUsage()
  return {
    stop: async (operations: number) => {
      const cpu = process.cpuUsage(cpuStart)
      const { profile } = await session.post('Profiler.stop')
      session.disconnect()
      writeFileSync(path, JSON.stringify({ ...profile, nodes: profile.nodes.map(toSource) }))
      const cpuMs = (cpu.user + cpu.system) / 1000
      writeFileSync(`${path}.json`, JSON.stringify({ operations, cpuMs }))
    },
  }
}

/**
 * tsx runs esbuild's output, all on one line and with functions wrapped by `__name`, so V8 knows
 * them only as line 1 of the file and often without a name. Their source maps (loaded by tsx, so
 * only this process can read them) give back the line and column of the TypeScript source.
 */
const toSource = (node: Profiler.ProfileNode): Profiler.ProfileNode => {
  const frame = node.callFrame
  if (!frame.url.startsWith('file://')) return node
  const entry = findSourceMap(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber)
  if (entry === undefined || !('originalLine' in entry)) return node
  return {
    ...node,
    callFrame: {
      ...frame,
      url: entry.originalSource,
      lineNumber: entry.originalLine,
      columnNumber: entry.originalColumn,
    },
  }
}

/** The time `work` takes, with `performance.now()` and `process.cpuUsage()`. */
export const timed = async (work: () => Promise<unknown>): Promise<Timing> => {
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  await work()
  const ms = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 }
}

/** The median (the mean of the two middle values for an even count). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** The median absolute deviation: how far samples typically sit from the median. */
export const mad = (values: readonly number[]): number => {
  const m = median(values)
  return median(values.map((v) => Math.abs(v - m)))
}

/** The fields of a measurement that say what it is. */
export type Description = Omit<
  Measurement,
  'median' | 'samples' | 'cpuMedian' | 'cpuSamples' | 'warmup'
>

/** A measurement from timed samples. */
export const measurement = (
  fields: Description,
  samples: Samples,
  warmup: number,
): Measurement => ({
  ...fields,
  median: median(samples.wall),
  samples: samples.wall,
  cpuMedian: median(samples.cpu),
  cpuSamples: samples.cpu,
  warmup,
})

/** A measurement of a figure that is not a time (a size, a memory footprint). */
export const untimed = (fields: Description, values: readonly number[]): Measurement => ({
  ...fields,
  median: median(values),
  samples: values,
  warmup: 0,
})

/**
 * Hand the measurements to the parent (`bench/run.ts` reads the `BENCH_RESULT` line), and print
 * them readably for a person running the file by hand.
 */
export const report = (measurements: readonly Measurement[]): void => {
  for (const m of measurements)
    console.log(`${m.id}: ${formatNumber(m.median)} ${m.unit} (median of ${m.samples.length})`)
  console.log(RESULT_PREFIX + JSON.stringify(measurements))
}

/** A number for people: thousands separated, at most three significant decimals below 10. */
export const formatNumber = (value: number): string => {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3
  return value.toLocaleString('en-US', {
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  })
}

/** True when the module at `url` is the program being run (not imported). */
export const isMain = (url: string): boolean =>
  process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href

/** Run a workload's `main` when its file is the program, failing the process on any error. */
export const runIfMain = (url: string, main: (args: WorkloadArgs) => Promise<Measurement[]>) => {
  if (!isMain(url)) return
  main(parseWorkloadArgs(process.argv.slice(2))).then(report, (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}

/** Throw when a benchmark's own check fails: a figure of a wrong run is worth nothing. */
export const check = (condition: boolean, message: string): void => {
  if (!condition) throw new Error(`benchmark check failed: ${message}`)
}
