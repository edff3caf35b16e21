/**
 * Starting one workload program in a fresh Node process and reading back the measurements it
 * prints on its `BENCH_RESULT` line: what `bench/run.ts` and `bench/peers/run.ts` share.
 */
import { spawn } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compiledPath } from './compile.js'
import { RESULT_PREFIX, type Measurement } from './harness.js'

const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(BENCH_DIR, '..')

/** Which code the workload processes run: compiled JavaScript, or TypeScript through tsx. */
export type Code = 'compiled' | 'tsx'

/** One workload program to start. */
export interface WorkloadProcess {
  /** The program, relative to `bench/` (`b1-steps.ts`, `peers/loop.ts`). */
  readonly file: string
  readonly args: readonly string[]
  /** Flags for Node itself (`--expose-gc`), before the program. */
  readonly nodeFlags: readonly string[]
  readonly smoke: boolean
  readonly code: Code
}

/** Start the program and collect its measurements; fails with its stderr when it fails. */
export const runWorkloadProcess = (run: WorkloadProcess): Promise<Measurement[]> =>
  new Promise((done, fail) => {
    const program =
      run.code === 'compiled'
        ? [compiledPath(run.file)]
        : ['--import', 'tsx', join(BENCH_DIR, run.file)]
    const args = [...run.nodeFlags, ...program, ...run.args, ...(run.smoke ? ['--smoke'] : [])]
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', fail)
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
      if (code !== 0 || line === undefined)
        return fail(new Error(`${run.file} ${run.args.join(' ')} exited ${code}:\n${stderr}`))
      done(JSON.parse(line.slice(RESULT_PREFIX.length)) as Measurement[])
    })
  })
