/**
 * Profile workloads with V8's CPU profiler and summarise where the time goes:
 *
 *   npx tsx bench/profile.ts                 B1, B3a and B4
 *   npx tsx bench/profile.ts B2 --top 40     any workloads, more rows
 *
 * Each workload runs compiled (as `bench/run.ts` runs it, see `compile.ts`) in its own process
 * with `BENCH_CPU_PROFILE` set, so that the profiler covers exactly its timed runs (see `sample` in `harness.ts`); the raw profiles stay in
 * `bench/results/profiles/<id>.cpuprofile` (open them in Chrome DevTools or speedscope). The
 * summary gives, per workload: the functions with the most self time, with their cost per
 * operation (step, checkpoint, reload…); the same by file or package; and the inclusive time of
 * the library's functions (what a call costs with everything it calls).
 *
 * Lines are those of the TypeScript source (the workload maps them back through tsx's source
 * maps); a function esbuild left nameless is named after its source line.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileForBench, compiledPath } from './compile.js'

const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(BENCH_DIR, '..')

const FILES: Readonly<Record<string, { file: string; args: string[]; operation: string }>> = {
  B1: { file: 'b1-steps.ts', args: [], operation: 'step' },
  B2: { file: 'b2-processes.ts', args: [], operation: 'process' },
  B3a: { file: 'b3a-checkpoints-memory.ts', args: [], operation: 'checkpoint' },
  B3b: { file: 'b3b-checkpoints-sqlite.ts', args: [], operation: 'checkpoint' },
  B4: { file: 'b4-reload.ts', args: [], operation: 'reload' },
  B6: { file: 'b6-resume.ts', args: ['--after', '100000'], operation: 'resume' },
}

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: readonly number[]
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

/** Where a function lives, shortly: a repository path, a package, or a V8 pseudo-frame. */
const place = (frame: CallFrame): string => {
  if (frame.url === '') return ''
  const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path)
  if (packaged !== null) return `${packaged[1]}/${packaged[2]}`
  if (path.startsWith('node:')) return path
  return relative(ROOT, path)
}

const sources = new Map<string, string[]>()

/**
 * A function's name: V8's, or for a function V8 knows no name of, the name the source gives
 * it on its line (`const reduce = (…) =>`, `step(…) {`), or the line itself, shortened.
 */
const nameOf = (frame: CallFrame): string => {
  if (frame.functionName !== '') return frame.functionName
  if (!frame.url.startsWith('file://') || frame.url.includes('node_modules')) return '(anonymous)'
  const path = fileURLToPath(frame.url)
  if (!sources.has(path)) sources.set(path, readFileSync(path, 'utf8').split('\n'))
  const line = sources.get(path)?.[frame.lineNumber]?.trim() ?? ''
  const named = /^(?:export\s+)?(?:const|let|function\*?)\s+([\w$]+)/.exec(line)
  if (named !== null) return named[1] as string
  return `(anonymous: ${line.length > 40 ? line.slice(0, 40) + '…' : line})`
}

const keyOf = (frame: CallFrame): string => {
  const where = place(frame)
  const name = nameOf(frame)
  return where === '' ? name : `${name}  ${where}:${frame.lineNumber + 1}`
}

/** The package or file a frame belongs to, for the per-file totals. */
const fileOf = (frame: CallFrame): string => {
  const where = place(frame)
  if (where === '') return frame.functionName
  const packaged = /^((?:@[^/]+\/)?[^/]+)\//.exec(where)
  return where.startsWith('lib/') || where.startsWith('bench/') || packaged === null
    ? where
    : packaged[1] === 'node:internal'
      ? 'node internals'
      : (packaged[1] as string)
}

interface Summary {
  readonly samples: number
  readonly self: [string, number][]
  readonly files: [string, number][]
  readonly inclusive: [string, number][]
}

/**
 * Samples by function (self), by file, and by function anywhere on the stack (inclusive). Every
 * sample counts once, whatever its time delta: on a busy machine the delta of a sample taken
 * just after the process was descheduled spans the time other programs ran, and would charge it
 * to whichever function happened to be running.
 */
export const summarise = (profile: CpuProfile): Summary => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<string, number>()
  const files = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)
  let samples = 0
  for (const id of profile.samples) {
    const node = byId.get(id)
    if (node === undefined || node.callFrame.functionName === '(idle)') continue
    samples += 1
    add(self, keyOf(node.callFrame))
    add(files, fileOf(node.callFrame))
    // Each function on the stack once, however often it recurses.
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame
      if (frame === undefined) break
      const key = keyOf(frame)
      if (!seen.has(key)) add(inclusive, key)
      seen.add(key)
    }
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1])
  return { samples, self: sorted(self), files: sorted(files), inclusive: sorted(inclusive) }
}

/** A table of sample shares, with what each share costs per operation in CPU time. */
const table = (
  title: string,
  rows: readonly [string, number][],
  samples: number,
  nsPerOperation: number,
  operation: string,
): string =>
  [
    title,
    `| % of samples | ns per ${operation} | function / file |`,
    '|---:|---:|---|',
    ...rows.map(
      ([key, count]) =>
        `| ${((100 * count) / samples).toFixed(1)} | ${((count / samples) * nsPerOperation).toFixed(0)} | \`${key}\` |`,
    ),
  ].join('\n')

const main = (): void => {
  const argv = process.argv.slice(2)
  const topAt = argv.indexOf('--top')
  const top = topAt < 0 ? 25 : Number(argv[topAt + 1])
  const ids = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--top')
  const dir = join(BENCH_DIR, 'results', 'profiles')
  mkdirSync(dir, { recursive: true })
  compileForBench()
  for (const id of ids.length > 0 ? ids : ['B1', 'B3a', 'B4']) {
    const workload = FILES[id]
    if (workload === undefined) throw new Error(`no workload ${id} to profile`)
    const path = join(dir, `${id}.cpuprofile`)
    // Source maps on, so that the workload can map the compiled lines back (see `harness.ts`).
    const ran = spawnSync(
      process.execPath,
      ['--enable-source-maps', compiledPath(workload.file), ...workload.args],
      { cwd: ROOT, env: { ...process.env, BENCH_CPU_PROFILE: path }, encoding: 'utf8' },
    )
    if (ran.status !== 0) throw new Error(`${workload.file} failed:\n${ran.stderr}`)
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
    const { operations, cpuMs } = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as {
      operations: number
      cpuMs: number
    }
    const summary = summarise(profile)
    const perOperation = (cpuMs * 1e6) / operations
    const show = (title: string, rows: readonly [string, number][]) =>
      console.log(table(title, rows, summary.samples, perOperation, workload.operation) + '\n')
    console.log(
      `\n## ${id}: ${operations.toLocaleString('en-US')} ${workload.operation}s profiled\n`,
    )
    console.log(
      `${summary.samples} samples; ${cpuMs.toFixed(0)} ms of CPU, ${perOperation.toFixed(0)} ns per ` +
        `${workload.operation} under the profiler (${relative(ROOT, path)})\n`,
    )
    show('### Self time by function', summary.self.slice(0, top))
    show('### Self time by file or package', summary.files.slice(0, 15))
    const library = summary.inclusive.filter(([key]) => key.includes(' lib/'))
    show('### Inclusive time of library functions', library.slice(0, top))
  }
}

main()
