/**
 * The durability modes under SIGKILL. A child program (`fixtures/crash-program.ts`) runs chains
 * into SQLite or PostgreSQL, each step logging itself (fsynced) before it returns, and is killed
 * at a random moment; then the store is read and each mode's promise checked:
 *
 * - every mode: no checkpoint is ahead of the steps that ran (a committed `i` was logged), and
 *   each one loads;
 * - `strict`: past the last committed checkpoint of a chain, at most the one running step ran;
 * - `strict` and `batched`: every chain whose `execute()` resolved is stored FINISHED.
 *
 * `PLUMPY_CRASH_RUNS` sets the kills per store and mode (default 5).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Persister } from '../../lib/persistence/persister.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { DURABILITIES, type Durability } from '../../lib/runtime/durability.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'

const RUNS = Number(process.env['PLUMPY_CRASH_RUNS'] ?? 5)
const dir = mkdtempSync(join(tmpdir(), 'plumpy-crash-'))
const program = join(dir, 'crash-program.cjs')
let database: FreshDatabase

beforeAll(async () => {
  // One bundle, started by plain Node: a kill every few hundred milliseconds, not per tsx start.
  await build({
    entryPoints: ['spec/integration/fixtures/crash-program.ts'],
    outfile: program,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['pg', 'better-sqlite3'],
    logLevel: 'error',
  })
  database = await freshPgDatabase('crash')
}, 60_000)
afterAll(async () => {
  await database?.drop()
  rmSync(dir, { recursive: true, force: true })
})

/** What the side-effect log says happened to each chain. */
interface Logged {
  /** The highest step logged, by chain. */
  readonly steps: Map<string, number>
  /** Chains whose `execute()` resolved. */
  readonly ended: string[]
}

const readLog = (path: string): Logged => {
  const steps = new Map<string, number>()
  const ended: string[] = []
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [kind, pid, i] = line.split(' ')
    if (pid === undefined) continue
    if (kind === 'step') steps.set(pid, Math.max(steps.get(pid) ?? 0, Number(i)))
    if (kind === 'ended') ended.push(pid)
  }
  return { steps, ended }
}

/** Start the program, let it run for a random while, SIGKILL it. */
const runAndKill = async (store: string, mode: Durability, log: string) => {
  const child = spawn(process.execPath, [program, store, mode, log], {
    env: { ...process.env, NODE_PATH: resolve('node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let errors = ''
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()))
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    child.on('exit', (_code, signal) => done(signal)),
  )
  await new Promise<void>((ready, fail) => {
    child.stdout.once('data', () => ready())
    void exited.then(() => fail(new Error(`the crash program stopped on its own: ${errors}`)))
  })
  await new Promise((wait) => setTimeout(wait, 50 + Math.random() * 400))
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
}

/** The committed `i` of each chain (-1 when nothing is stored), and the FINISHED ones. */
const readStore = async (persister: Persister, pids: Iterable<string>) => {
  const committed = new Map<string, number>()
  const finished = new Set<string>()
  for (const pid of pids) {
    const stored = await persister.getProcessCheckpoints(pid)
    if (stored.length === 0) {
      committed.set(pid, -1)
      continue
    }
    const bundle = await persister.loadCheckpoint(pid)
    committed.set(pid, (bundle.snapshot.ctx as { i: number }).i)
    if (bundle.snapshot.state._tag === 'FINISHED') finished.add(pid)
  }
  return { committed, finished }
}

/** What broke each mode's promise in one run (empty when it held). */
const problems = async (mode: Durability, log: Logged, persister: Persister) => {
  const pids = new Set([...log.steps.keys(), ...log.ended])
  const { committed, finished } = await readStore(persister, pids)
  const found: string[] = []
  for (const [pid, ran] of log.steps) {
    const stored = committed.get(pid) ?? -1
    if (stored > ran) found.push(`${pid}: checkpoint at step ${stored}, only ${ran} ran`)
    if (mode === 'strict' && ran > stored + 1)
      found.push(`${pid}: ${ran} steps ran, the last committed checkpoint is at ${stored}`)
  }
  if (mode !== 'async')
    for (const pid of log.ended)
      if (!finished.has(pid)) found.push(`${pid}: ended, but not stored FINISHED`)
  return found
}

const stores = [
  {
    name: 'SQLite',
    open: (run: string) => {
      const path = join(dir, `${run}.sqlite`)
      return { url: path, persister: () => new SqlitePersister({ path }) }
    },
  },
  {
    name: 'PostgreSQL',
    open: () => ({
      url: database.url,
      persister: () => new PostgresPersister({ connectionString: database.url }),
    }),
  },
]

describe.each(stores)('a runner SIGKILLed at random points, into $name', (store) => {
  it.each(DURABILITIES)(
    'keeps the promise of %s durability',
    async (mode) => {
      let steps = 0
      let ended = 0
      for (let run = 0; run < RUNS; run++) {
        const name = `${store.name}-${mode}-${run}`
        const log = join(dir, `${name}.log`)
        const { url, persister: open } = store.open(name)
        await runAndKill(url, mode, log)
        const logged = readLog(log)
        const persister = open()
        try {
          expect(await problems(mode, logged, persister)).toEqual([])
        } finally {
          await persister.close()
        }
        steps += [...logged.steps.values()].reduce((sum, n) => sum + n, 0)
        ended += logged.ended.length
      }
      // The kills landed while chains were stepping and ending.
      expect(steps).toBeGreaterThan(0)
      expect(ended).toBeGreaterThan(0)
    },
    120_000,
  )
})
