/**
 * What the benchmark runners (`bench/run.ts`, `bench/peers/run.ts`) share on their command line
 * and at their end: `--smoke`, `--tsx`, `--only`, `--out`, and writing the JSON report.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Code } from './workload-process.js'

/** The options every runner understands. */
export interface RunOptions {
  readonly smoke: boolean
  readonly code: Code
  /** The workload ids of `--only`, upper-cased; undefined without it. */
  readonly only: readonly string[] | undefined
  /** Where the JSON report goes (absolute). */
  readonly out: string
}

/** The word after `name` on the command line, if `name` is there. */
export const optionValue = (argv: readonly string[], name: string): string | undefined => {
  const at = argv.indexOf(name)
  return at < 0 ? undefined : argv[at + 1]
}

/** Read the shared options; `defaultOut` says where the report goes without `--out`. */
export const parseRunOptions = (
  argv: readonly string[],
  defaultOut: (smoke: boolean) => string,
): RunOptions => {
  const smoke = argv.includes('--smoke')
  const only = optionValue(argv, '--only')
    ?.split(',')
    .map((id) => id.trim().toUpperCase())
    .filter((id) => id !== '')
  const out = optionValue(argv, '--out') ?? defaultOut(smoke)
  const code = smoke || argv.includes('--tsx') ? 'tsx' : 'compiled'
  return { smoke, code, only, out: resolve(out) }
}

/** Write `report` as JSON to `out`; with failures, say which and fail the process's exit code. */
export const writeRunReport = (out: string, report: object, failures: readonly string[]): void => {
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n')
  console.log(`\nFigures written to ${out}`)
  if (failures.length > 0) {
    console.error(`\n${failures.length} workload(s) failed: ${failures.join('; ')}`)
    process.exitCode = 1
  }
}
