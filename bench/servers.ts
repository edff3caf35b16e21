/**
 * The servers the workloads that leave the process need: a RabbitMQ broker (B7, B9) and a
 * PostgreSQL server (B9's store, the commit limit in `limits.ts`). Each is taken from the
 * environment when a URL is set there, otherwise started privately with `scripts/services/` in a
 * temporary directory, on a free loopback port, and stopped (its directory removed) by `stop()`.
 *
 * The private PostgreSQL keeps its durable defaults (fsync and synchronous commits on,
 * `PLUMPY_PG_DURABLE=1`): the figures measured on it are those of commits that reach the disk.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = fileURLToPath(import.meta.url)
/** The repository, from the sources or from their compiled copy under bench/results/compiled. */
export const ROOT = resolve(
  dirname(HERE),
  HERE.includes(join('results', 'compiled')) ? '../../../..' : '..',
)

/** A server to use, and how to stop it. */
export interface Server {
  readonly url: string
  /** The server's OS process, when it is ours (its CPU can then be read); undefined otherwise. */
  readonly pid: number | undefined
  /** Where it came from, for the details of a result. */
  readonly origin: 'environment' | 'private'
  stop(): void
}

/** The broker URL of the environment (`PLUMPY_BENCH_AMQP_URL`, or the tests' `PLUMPY_TEST_AMQP_URL`). */
export const brokerUrlFromEnv = (): string | undefined =>
  process.env['PLUMPY_BENCH_AMQP_URL'] || process.env['PLUMPY_TEST_AMQP_URL'] || undefined

/** The PostgreSQL URL of the environment (`PLUMPY_BENCH_PG_URL`, or the tests' `PLUMPY_TEST_PG_URL`). */
export const postgresUrlFromEnv = (): string | undefined =>
  process.env['PLUMPY_BENCH_PG_URL'] || process.env['PLUMPY_TEST_PG_URL'] || undefined

/** Whether RabbitMQ is installed, so that a private broker can be started. */
export const rabbitmqInstalled = (): boolean =>
  existsSync(join(process.env['PLUMPY_RABBITMQ_BIN'] || '/usr/lib/rabbitmq/bin', 'rabbitmq-server'))

/** Whether a PostgreSQL server is installed, so that a private one can be started. */
export const postgresInstalled = (): boolean => {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) =>
      existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb')),
    )
  } catch {
    return false
  }
}

/** A loopback port nobody listened on a moment ago (asked of a child: this must stay synchronous). */
const freePort = (): number => {
  const out = spawnSync(
    process.execPath,
    [
      '-e',
      `const s=require('node:net').createServer();s.listen({port:20000+Math.floor(Math.random()*10000),host:'127.0.0.1',exclusive:true},()=>{console.log(s.address().port);s.close()});s.on('error',()=>process.exit(1))`,
    ],
    { encoding: 'utf8' },
  )
  return Number(out.stdout.trim())
}

interface Service {
  readonly script: 'rabbitmq.sh' | 'postgres.sh'
  readonly url: (port: number) => string
  /** The server's pid, read from its directory once it runs. */
  readonly pidIn: (dir: string) => number | undefined
}

const readPid = (path: string): number | undefined => {
  try {
    return Number(readFileSync(path, 'utf8').split('\n')[0]?.trim()) || undefined
  } catch {
    return undefined
  }
}

const RABBITMQ: Service = {
  script: 'rabbitmq.sh',
  url: (port) => `amqp://guest:guest@127.0.0.1:${port}`,
  pidIn: (dir) => readPid(join(dir, 'rabbit.pid')),
}

const POSTGRES: Service = {
  script: 'postgres.sh',
  url: (port) => `postgres://postgres@127.0.0.1:${port}/postgres`,
  pidIn: (dir) => readPid(join(dir, 'data', 'postmaster.pid')),
}

/** Start `service` privately, trying other ports when the one picked was taken meanwhile. */
const startPrivate = (service: Service): Server => {
  const dir = mkdtempSync(join(tmpdir(), `plumpy-bench-${service.script.split('.')[0]}.`))
  const script = join(ROOT, 'scripts', 'services', service.script)
  const stop = () => {
    spawnSync('bash', [script, 'stop', dir], { stdio: 'ignore', timeout: 60_000 })
    rmSync(dir, { recursive: true, force: true })
  }
  let lastError = ''
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = freePort()
    if (!Number.isFinite(port) || port === 0) continue
    const started = spawnSync('bash', [script, 'start', dir, String(port)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PLUMPY_PG_DURABLE: '1' },
      timeout: 180_000,
    })
    if (started.status === 0)
      return { url: service.url(port), pid: service.pidIn(dir), origin: 'private', stop }
    lastError = started.stderr
    if (!/port \d+ is taken|could not bind|Address already in use/.test(started.stderr)) break
  }
  stop()
  throw new Error(`could not start a private server with ${service.script}:\n${lastError}`)
}

const fromEnv = (url: string): Server => ({
  url,
  pid: undefined,
  origin: 'environment',
  stop: () => {},
})

/** The broker of the environment, or a private RabbitMQ node. */
export const startBroker = (): Server => {
  const url = brokerUrlFromEnv()
  return url === undefined ? startPrivate(RABBITMQ) : fromEnv(url)
}

/** The PostgreSQL of the environment, or a private server with durable commits. */
export const startPostgres = (): Server => {
  const url = postgresUrlFromEnv()
  return url === undefined ? startPrivate(POSTGRES) : fromEnv(url)
}

/**
 * Why a workload that needs a broker cannot run here, or undefined when it can. A smoke run
 * without a URL skips it, so that smoke runs stay fast.
 */
export const brokerUnavailable = (smoke: boolean): string | undefined => {
  if (brokerUrlFromEnv() !== undefined) return undefined
  if (smoke) return 'not run (smoke run without PLUMPY_BENCH_AMQP_URL)'
  return rabbitmqInstalled() ? undefined : 'not measured (RabbitMQ not installed)'
}

/** Why a workload that needs PostgreSQL cannot run here, or undefined when it can. */
export const postgresUnavailable = (smoke: boolean): string | undefined => {
  if (postgresUrlFromEnv() !== undefined) return undefined
  if (smoke) return 'not run (smoke run without PLUMPY_BENCH_PG_URL)'
  return postgresInstalled() ? undefined : 'not measured (PostgreSQL not installed)'
}
