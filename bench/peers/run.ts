/**
 * `npm run bench:peers`: the workloads of `bench/peers/` (P1–P4, the shapes of B1, B2, B3a and
 * B3d) on XState, redux-saga and DBOS Transact beside ours, each workload in a fresh Node process
 * where every engine runs once per round; prints a table and writes the figures as JSON.
 *
 *   npm run bench:peers                  every workload → bench/results/peers.json
 *   npm run bench:peers -- --only P1,P3  some workloads
 *   npm run bench:peers -- --smoke       tiny sizes, a check that they run → peers-smoke.json
 *   npm run bench:peers -- --tsx         the TypeScript through tsx instead of compiled
 *   npm run bench:peers -- --out f.json  write the JSON elsewhere
 *
 * Not part of `npm run bench` nor of CI's smoke run; `spec/bench/peers.spec.ts` runs its smoke
 * run. P4 needs PostgreSQL (`PLUMPY_BENCH_PG_URL`, or a private server started for it), as B3d
 * does; a smoke run without a URL skips it.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { COMPILED_DIR, compileForBench } from '../compile.js'
import { formatNumber, type Measurement } from '../harness.js'
import { machineInfo } from '../machine.js'
import { printMarkdownTable } from '../markdown-table.js'
import { postgresUnavailable } from '../servers.js'
import { runWorkloadProcess } from '../workload-process.js'
import { parseRunOptions, writeRunReport, type RunOptions } from '../run-options.js'

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ROOT = resolve(BENCH_DIR, '..')

/** A workload program, and why it cannot run here (undefined when it can). */
interface Job {
  readonly id: string
  readonly file: string
  readonly unavailable: (smoke: boolean) => string | undefined
}

const JOBS: readonly Job[] = [
  { id: 'P1', file: 'peers/p1-loop.ts', unavailable: () => undefined },
  { id: 'P2', file: 'peers/p2-processes.ts', unavailable: () => undefined },
  { id: 'P3', file: 'peers/p3-checkpoints.ts', unavailable: () => undefined },
  { id: 'P4', file: 'peers/p4-durable.ts', unavailable: postgresUnavailable },
]

/** The engines measured, with the versions installed. */
const PEERS = ['xstate', 'redux-saga', '@dbos-inc/dbos-sdk'] as const

const versions = (): Record<string, string> =>
  Object.fromEntries(
    PEERS.map((name) => {
      const manifest = join(ROOT, 'node_modules', name, 'package.json')
      return [name, (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version]
    }),
  )

const parseOptions = (argv: readonly string[]): RunOptions => {
  const options = parseRunOptions(argv, (smoke) =>
    join(BENCH_DIR, 'results', smoke ? 'peers-smoke.json' : 'peers.json'),
  )
  const unknown = options.only?.filter((id) => !JOBS.some((job) => job.id === id)) ?? []
  if (unknown.length > 0)
    throw new Error(`--only: no workload ${unknown.join(', ')} (there are P1, P2, P3, P4)`)
  return options
}

/** A figure with its unit: `×` ratios as `×0.82`, rates and sizes as `1,234 steps/s`. */
const cell = (value: number | undefined, unit: string): string =>
  value === undefined
    ? ''
    : unit === '×'
      ? `×${formatNumber(value)}`
      : `${formatNumber(value)} ${unit}`

const printRows = (measurements: readonly Measurement[], skipped: readonly Skipped[]) => {
  printMarkdownTable(
    ['id', 'what', 'median (wall-clock)', 'median (CPU time)'],
    [
      ...measurements.map((m) => [m.id, m.what, cell(m.median, m.unit), cell(m.cpuMedian, m.unit)]),
      ...skipped.map(({ id, reason }) => [id, reason, '—', '—']),
    ],
  )
  console.log(
    '\nRows `A/B`: A ÷ B round by round (each round runs every engine of the workload once, in ' +
      'rotating order), the median of those ratios; above 1, A did more per second. CPU time: ' +
      "the workload process's own (a server's CPU is not in it).",
  )
}

interface Skipped {
  readonly id: string
  readonly reason: string
}

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2))
  const chosen = JOBS.filter((job) => options.only === undefined || options.only.includes(job.id))
  const machine = machineInfo()
  const engines = versions()
  console.log(
    `plumpy-ts against other engines${options.smoke ? ' (smoke: tiny sizes)' : ''} on ` +
      `${machine.cpu} × ${machine.cores}, Node ${machine.node}, load ${machine.loadAverage.join(' ')}; ` +
      Object.entries(engines)
        .map(([name, version]) => `${name} ${version}`)
        .join(', '),
  )
  if (options.code === 'compiled') {
    const files = compileForBench()
    console.log(`  compiled ${files} files to ${relative(ROOT, COMPILED_DIR)}`)
  } else console.log('  running the TypeScript sources through tsx')
  const measurements: Measurement[] = []
  const skipped: Skipped[] = []
  const failures: string[] = []
  for (const job of chosen) {
    const reason = job.unavailable(options.smoke)
    if (reason !== undefined) {
      console.log(`  skipping ${job.id} (${job.file}): ${reason}`)
      skipped.push({ id: job.id, reason })
      continue
    }
    process.stdout.write(`  running ${job.id} (${job.file}) …`)
    const started = performance.now()
    try {
      const run = { file: job.file, args: [], nodeFlags: [], ...options }
      measurements.push(...(await runWorkloadProcess(run)))
      console.log(` ${((performance.now() - started) / 1000).toFixed(1)} s`)
    } catch (error) {
      console.log(' failed')
      console.error(error instanceof Error ? error.message : error)
      failures.push(job.id)
    }
  }
  const loadAfter = machineInfo().loadAverage
  console.log(`  load average after: ${loadAfter.join(' ')}\n`)
  printRows(measurements, skipped)
  const report = {
    mode: options.smoke ? 'smoke' : 'full',
    code: options.code,
    machine: { ...machine, loadAverageAfter: loadAfter },
    engines,
    measurements,
    notMeasured: skipped,
    failures,
  }
  writeRunReport(options.out, report, failures)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
