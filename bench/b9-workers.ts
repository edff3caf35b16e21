/**
 * B9's two workers, each an OS process of its own on the broker:
 *
 * - `runner`: B7's worker, running `b9-definitions.ts`: an `AmqpCommunicator`, a `Runner` with
 *   no store whose processes answer RPC (`processControl`, which also broadcasts their state
 *   changes) and a `ProcessLauncher` with 100 slots. This file is its program.
 * - `postgres`: `plumpy-ts worker --store <PostgreSQL URL>` on the same definitions: every
 *   transition checkpointed into PostgreSQL, every process claimed there, as deployed.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  DefinitionRegistry,
  ProcessLauncher,
  Runner,
  processControl,
  silentLogger,
} from '../lib/index.js'
import { AmqpCommunicator } from '../lib/comms/amqp/index.js'
import { Waiter } from './b9-definitions.js'
import { ROOT } from './servers.js'

const HERE = fileURLToPath(import.meta.url)
const SLOTS = 100
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

const runRunnerWorker = async (): Promise<void> => {
  const url = process.env['PLUMPY_B9_URL'] as string
  const prefix = process.env['PLUMPY_B9_PREFIX'] as string
  const communicator = await AmqpCommunicator.connect(url, { prefix, logger: silentLogger })
  const runner = new Runner({ logger: silentLogger })
  runner.use(processControl(communicator, { logger: silentLogger }))
  await new ProcessLauncher({ runner, registry: DefinitionRegistry.of(Waiter) }).subscribe(
    communicator,
    SLOTS,
  )
  process.stdout.write('READY\n')
  // The parent closes our stdin to stop us (and so does its death).
  process.stdin.resume()
  process.stdin.on('end', () => {
    void communicator.close().finally(() => process.exit(0))
  })
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
        ...['--definitions', source('b9-definitions.ts'), '--name', 'b9', '--slots', '100'],
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
  runRunnerWorker().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
