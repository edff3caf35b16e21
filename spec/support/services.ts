/**
 * The real RabbitMQ and PostgreSQL for integration tests.
 *
 * `npm test` (scripts/test.sh) starts both on free loopback ports and exports their URLs;
 * these helpers read them, hand out throwaway databases, and restart brokers. Tests never
 * mock the servers: what passes here passes against the real thing.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { connect } from 'amqplib'
import { Client } from 'pg'

const run = promisify(execFile)

/** scripts/services/rabbitmq.sh. */
export const RABBITMQ_SCRIPT = fileURLToPath(
  new URL('../../scripts/services/rabbitmq.sh', import.meta.url),
)

/** How long a broker may take to boot, and to come back after a restart. */
const BROKER_BOOT_TIMEOUT_MS = 120_000

function requiredEnv(name: string, server: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set: ${server} is started by \`npm test\` (scripts/test.sh), so run the ` +
        `suite through it (\`npm test -- <vitest args>\`, e.g. \`npm test -- spec/comms\`), or ` +
        `set ${name} to a running server`,
    )
  }
  return value
}

/** The AMQP URL of the suite's RabbitMQ; throws when the suite was not run by `npm test`. */
export function amqpUrl(): string {
  return requiredEnv('PLUMPY_TEST_AMQP_URL', 'RabbitMQ')
}

/** The URL of the suite's PostgreSQL `postgres` database, as its superuser. */
export function pgUrl(): string {
  return requiredEnv('PLUMPY_TEST_PG_URL', 'PostgreSQL')
}

/** A database of one's own on the suite's PostgreSQL server. */
export interface FreshDatabase {
  readonly name: string
  readonly url: string
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>
}

async function withAdminClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: pgUrl() })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

/**
 * Creates an empty database with a unique name starting with `prefix`, so that test files
 * running in parallel never see each other's tables.
 *
 * @example
 * const db = await freshPgDatabase('checkpoints')
 * afterAll(() => db.drop())
 * const pool = new Pool({ connectionString: db.url })
 */
export async function freshPgDatabase(prefix: string): Promise<FreshDatabase> {
  const unique = `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const head = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  // PostgreSQL cuts identifiers at 63 bytes: keep the unique part whole.
  const name = `${head.slice(0, 62 - unique.length)}_${unique}`
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`))
  const url = new URL(pgUrl())
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      )
    },
  }
}

/** A RabbitMQ node run by scripts/services/rabbitmq.sh: its URL and its directory. */
export interface Broker {
  readonly url: string
  readonly dir: string
}

/** The broker `npm test` started for the whole suite. */
export function sharedBroker(): Broker {
  return { url: amqpUrl(), dir: requiredEnv('PLUMPY_TEST_RMQ_DIR', 'RabbitMQ') }
}

/** Resolves once the broker at `url` accepts an AMQP connection. */
export async function waitForBroker(url: string, timeoutMs = BROKER_BOOT_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const connection = await connect(url)
      await connection.close()
      return
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`the broker at ${url} accepted no connection in ${timeoutMs} ms`, {
          cause: error,
        })
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/**
 * Stops a broker and boots it again on the same port with the same data (durable queues and
 * persistent messages survive); resolves when AMQP accepts connections again. Connections
 * open during the restart are closed by the broker (they emit `error`, then `close`).
 *
 * The default is the suite's shared broker, which every test file running at the same time
 * loses too: a test that restarts a broker should prefer one of its own
 * ({@link startPrivateBroker}).
 */
export async function restartBroker(broker: Broker = sharedBroker()): Promise<void> {
  await run('bash', [RABBITMQ_SCRIPT, 'restart', broker.dir], {
    timeout: 2 * BROKER_BOOT_TIMEOUT_MS,
  })
  await waitForBroker(broker.url)
}

/**
 * Stops a broker and leaves it stopped (its data stays): its clients see the connection drop and
 * no reconnection succeed until {@link restartBroker} boots it again.
 */
export async function stopBroker(broker: Broker): Promise<void> {
  await run('bash', [RABBITMQ_SCRIPT, 'stop', broker.dir], { timeout: 2 * BROKER_BOOT_TIMEOUT_MS })
}

/** A broker of one's own, to restart or stop without disturbing other test files. */
export interface PrivateBroker extends Broker {
  stop(): Promise<void>
}

/** A port that can be bound on loopback, in the range scripts/test.sh uses. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000)
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
        server.close(() => resolve(true)),
      )
    })
    if (free) return port
  }
  throw new Error('no free port found on 127.0.0.1')
}

/**
 * Boots a RabbitMQ node of one's own (about 6 s). Under `npm test` its directory lies in the
 * run's temp dir, so the run stops it even if the test never calls `stop()`.
 */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const parent = process.env['PLUMPY_TEST_TMP'] ?? tmpdir()
  const dir = await mkdtemp(join(parent, 'rmq-private-'))
  const port = await freePort()
  await run('bash', [RABBITMQ_SCRIPT, 'start', dir, String(port)], {
    timeout: 2 * BROKER_BOOT_TIMEOUT_MS,
  })
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}?heartbeat=5`,
    dir,
    stop: async () => {
      await run('bash', [RABBITMQ_SCRIPT, 'stop', dir], { timeout: 2 * BROKER_BOOT_TIMEOUT_MS })
      await rm(dir, { recursive: true, force: true })
    },
  }
}

const POSTGRES_SCRIPT = fileURLToPath(
  new URL('../../scripts/services/postgres.sh', import.meta.url),
)

/** A PostgreSQL server of one's own, to stop and start again without disturbing other files. */
export interface PrivatePostgres {
  /** The `postgres` database, as its superuser. */
  readonly url: string
  readonly dir: string
  /** Stops the server (fast shutdown: every session is ended). */
  halt(): Promise<void>
  /** Starts it again on the same port, with the same data. */
  resume(): Promise<void>
  /** Stops it for good and removes its data. */
  stop(): Promise<void>
}

/**
 * Starts a PostgreSQL server of one's own (about 1 s). Under `npm test` its directory lies in the
 * run's temp dir, so the run stops it even if the test never calls `stop()`.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const parent = process.env['PLUMPY_TEST_TMP'] ?? tmpdir()
  const dir = await mkdtemp(join(parent, 'pg-private-'))
  const port = await freePort()
  const script = (...args: string[]) =>
    run('bash', [POSTGRES_SCRIPT, ...args], { timeout: 2 * BROKER_BOOT_TIMEOUT_MS })
  await script('start', dir, String(port))
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    halt: async () => {
      await script('stop', dir)
    },
    resume: async () => {
      await script('start', dir, String(port))
    },
    stop: async () => {
      await script('stop', dir)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
