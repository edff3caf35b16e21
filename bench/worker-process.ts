/**
 * A `plumpy-ts worker` command (an OS process of its own) for the end-to-end workloads, and what
 * they read about it: its CPU time, and percentiles of what they measure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT } from './servers.js'

const HERE = fileURLToPath(import.meta.url)
/**
 * Run from the sources (`--tsx`), the worker runs through tsx too; run from the compiled copy
 * (bench/results/compiled), it runs the compiled `plumpy-ts` and definitions in plain Node, as
 * users run the built command.
 */
const TYPESCRIPT = HERE.endsWith('.ts')
/** The compiled tree beside this file (bench/results/compiled), or the repository. */
const CODE = TYPESCRIPT ? ROOT : join(HERE, '..', '..')
const program = (path: string) => join(CODE, TYPESCRIPT ? path : path.replace(/\.ts$/, '.js'))

/** `plumpy-ts worker`, resolved once it says it is ready. */
export const startWorker = (
  broker: string,
  store: string,
  prefix: string,
  more: readonly string[] = [],
): Promise<ChildProcess> =>
  new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        ...(TYPESCRIPT ? ['--import', 'tsx'] : []),
        program('lib/cli/main.ts'),
        'worker',
        '--broker',
        broker,
        '--store',
        store,
        '--prefix',
        prefix,
        '--definitions',
        program('examples/scaling/definitions.ts'),
        '--name',
        'roundtrip',
        ...more,
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
export const cpuMs = (pid: number | undefined): number => {
  if (pid === undefined) return NaN
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK
  } catch {
    return NaN
  }
}

/**
 * utime + stime in ms of a process and every live process below it (a server's workers: the
 * PostgreSQL backends under the postmaster, the Erlang VM's helpers), from /proc (Linux).
 */
export const treeCpuMs = (root: number | undefined): number => {
  if (root === undefined) return NaN
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)])
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0
  const stack = [root]
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    const own = cpuMs(pid)
    if (!Number.isNaN(own)) total += own
    stack.push(...(children.get(pid) ?? []))
  }
  return total
}

/** The `p`th percentile of sorted values. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
