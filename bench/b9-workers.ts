/**
 * B9's two workers, each an OS process of its own on the broker:
 *
 * - `runner`: B7's worker (`launcher-worker.ts`) running `b9-definitions.ts`, its processes
 *   answering RPC (`processControl`, which also broadcasts their state changes). This file is
 *   its program.
 * - `postgres`: `plumpy-ts worker --store <PostgreSQL URL>` on the same definitions: every
 *   transition checkpointed into PostgreSQL, every process claimed there, as deployed.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Waiter } from './b9-definitions.js'
import { SLOTS, runLauncherWorker } from './launcher-worker.js'
import { ROOT } from './servers.js'

const HERE = fileURLToPath(import.meta.url)
/** Sources run through tsx; compiled code (bench/results/compiled) runs in plain Node. */
const TYPESCRIPT = HERE.endsWith('.ts')

/** Which worker: B7's runner without a store, or the worker command on PostgreSQL. */
export type WorkerKind =
  | { readonly _tag: 'runner' }
  | { readonly _tag: 'postgres'; readonly store: string }

/** A worker process. */
export interface WorkerProcess {
  readonly child: ChildProcess
  stop(): Promise<void>
}

/** The program and arguments that start a worker of `kind`. */
const commandOf = (kind: WorkerKind, url: string, prefix: string): string[] => {
  const node = (file: string) => (TYPESCRIPT ? ['--import', 'tsx', file] : [file])
  const source = (path: string) =>
    join(HERE, '..', TYPESCRIPT ? path : path.replace(/\.ts$/, '.js'))
  switch (kind._tag) {
    case 'runner':
      return node(HERE)
    case 'postgres':
      return [
        ...node(source('../lib/cli/main.ts')),
        'worker',
        ...['--broker', url, '--prefix', prefix, '--store', kind.store],
        ...['--definitions', source('b9-definitions.ts'), '--name', 'b9', '--slots', String(SLOTS)],
      ]
  }
}

/** Start a worker of `kind`; resolves once it is ready for tasks. */
export const startWorker = (
  kind: WorkerKind,
  url: string,
  prefix: string,
): Promise<WorkerProcess> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, commandOf(kind, url, prefix), {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PLUMPY_B9_WORKER: '1', PLUMPY_B9_URL: url, PLUMPY_B9_PREFIX: prefix },
    })
    let log = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`B9: the ${kind._tag} worker did not start within 60 s:\n${log}`))
    }, 60_000)
    const read = (chunk: Buffer) => {
      log += chunk.toString()
      if (/^READY$|\] ready: /m.test(log)) {
        clearTimeout(timer)
        // The worker command logs a line per state change: not what is measured, drained.
        child.stdout?.removeAllListeners('data')
        child.stdout?.resume()
        done({ child, stop: () => stop(kind, child) })
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
    child.on('error', (error) => {
      clearTimeout(timer)
      fail(error)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`B9: the ${kind._tag} worker exited (${code}) before it was ready:\n${log}`))
    })
  })

/** Stop a worker: stdin closed (B7's), SIGTERM (the command); SIGKILL after 10 s. */
const stop = (kind: WorkerKind, child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done()
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(timer)
      done()
    })
    if (kind._tag === 'runner') child.stdin?.end()
    else child.kill('SIGTERM')
  })

if (process.env['PLUMPY_B9_WORKER'] === '1' && process.argv[1] === HERE)
  runLauncherWorker({
    url: process.env['PLUMPY_B9_URL'] as string,
    prefix: process.env['PLUMPY_B9_PREFIX'] as string,
    definition: Waiter,
    control: true,
  }).catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
