/**
 * Shared options of the commands, and opening what they name (broker, store, ownership), with
 * errors that say which URL failed and why.
 */
import { InvalidArgumentError, type Command } from 'commander'
import { redactUrl, type AmqpCommunicatorOptions } from '../comms/amqp/options.js'
import type { Communicator } from '../comms/communicator.js'
import type { Persister } from '../persistence/persister.js'
import { openPersister } from '../persistence/url.js'
import { silentLogger, type Logger } from '../runtime/environment.js'
import { pidProblem } from '../runtime/pid.js'
import { LocalOwnership, OWNER_APPLICATION_PREFIX, type Ownership } from '../worker/ownership.js'
import { CliError } from './errors.js'

/** `--broker`, `--prefix`. */
export interface BrokerOptions {
  readonly broker: string
  readonly prefix: string
}

/** `--store`. */
export interface StoreOptions {
  readonly store: string
}

/** Adds `--broker <url>` and `--prefix <name>` (defaults from PLUMPY_BROKER, PLUMPY_PREFIX). */
export const brokerOptions = (command: Command): Command =>
  command
    .requiredOption(
      '--broker <url>',
      'RabbitMQ URL, e.g. amqp://guest:guest@127.0.0.1:5672?heartbeat=10 (env PLUMPY_BROKER)',
      process.env['PLUMPY_BROKER'],
    )
    .option(
      '--prefix <name>',
      'name prefix of the queue and exchanges: workers and clients talk only on the same one ' +
        '(env PLUMPY_PREFIX)',
      process.env['PLUMPY_PREFIX'] ?? 'plumpy',
    )

/** Adds `--store <url>` (default from PLUMPY_STORE). */
export const storeOption = (command: Command, required = true): Command => {
  const description = 'checkpoint store: postgres://…, sqlite:<file>, file:<dir> (env PLUMPY_STORE)'
  const fallback = process.env['PLUMPY_STORE']
  return required
    ? command.requiredOption('--store <url>', description, fallback)
    : command.option('--store <url>', description, fallback)
}

/** A `<pid>` argument: refused (exit code 2) unless it is a pid (see `pidProblem`). */
export const pidArgument = (value: string): string => {
  const problem = pidProblem(value)
  if (problem !== undefined) throw new InvalidArgumentError(`Not a pid: ${problem}.`)
  return value
}

/** A positive integer option value. */
export const positiveInteger = (value: string): number => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError(`'${value}' is not a positive integer.`)
  return parsed
}

/** A non-negative integer option value. */
export const nonNegativeInteger = (value: string): number => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError(`'${value}' is not a non-negative integer.`)
  return parsed
}

/**
 * Nothing: a short command reports its own failures (a broker that cannot be reached is its
 * error, not a warning and an error before it).
 */
export const quietLogger: Logger = silentLogger

/** Connects to the broker, or says which one could not be reached. */
export const openBroker = async (
  options: BrokerOptions,
  logger: Logger = quietLogger,
  more: Pick<AmqpCommunicatorOptions, 'maxMessageBytes' | 'onConnect'> = {},
): Promise<Communicator> => {
  if (!/^amqps?:\/\//.test(options.broker))
    throw new CliError(`'${redactUrl(options.broker)}' is not a broker URL: use amqp://…`)
  // Loaded on demand: the commands that only read the store never load amqplib.
  const { AmqpCommunicator } = await import('../comms/amqp/communicator.js')
  try {
    return await AmqpCommunicator.connect(options.broker, {
      prefix: options.prefix,
      logger,
      ...more,
    })
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error))
  }
}

/** Opens the store, or says what is wrong with its URL. */
export const openStore = async (url: string): Promise<Persister> => {
  try {
    return await openPersister(url)
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error))
  }
}

/** Whether a store URL names a PostgreSQL database (whose claims every program can see). */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url)

/**
 * The store URL a worker connects with: for PostgreSQL, its connections carry the worker's name
 * (`application_name`), so that `pg_stat_activity` shows who is who.
 */
export const workerStoreUrl = (url: string, name: string): string => {
  if (!isPostgresUrl(url)) return url
  const parsed = new URL(url)
  if (!parsed.searchParams.has('application_name'))
    parsed.searchParams.set('application_name', `${OWNER_APPLICATION_PREFIX}${name}`.slice(0, 63))
  return parsed.toString()
}

/** What {@link openOwnership} needs. */
export interface OpenOwnershipOptions {
  readonly storeUrl: string
  /** The store opened from `storeUrl`: a PostgreSQL owner writes its checkpoints, fenced. */
  readonly store: Persister
  readonly name: string
  /** How long a lease outlives a database restart (PostgreSQL only). */
  readonly leaseMs?: number
  /** Told of claims another worker took over while this one lived (PostgreSQL only). */
  readonly onLost?: (pids: readonly string[]) => void
  readonly logger?: Logger
}

/**
 * The ownership of a worker: claim rows held by a lease for PostgreSQL (see
 * `postgres-ownership.ts`); in this program's memory for the single-machine stores.
 */
export const openOwnership = async (options: OpenOwnershipOptions): Promise<Ownership> => {
  if (!isPostgresUrl(options.storeUrl)) return new LocalOwnership(options.name)
  const { PostgresOwnership } = await import('../worker/postgres-ownership.js')
  try {
    return await PostgresOwnership.connect({
      url: options.storeUrl,
      store: await postgresStore(options.store),
      name: options.name,
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(options.onLost === undefined ? {} : { onLost: options.onLost }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new CliError(`cannot reach the store at ${redactUrl(options.storeUrl)}: ${reason}`)
  }
}

/**
 * Who holds which process, without holding anything (for `revive` and `prune`): the claims in
 * a PostgreSQL store; nobody for the others, whose claims only their worker sees.
 */
export const openClaims = async (
  storeUrl: string,
  store: Persister,
): Promise<Pick<Ownership, 'ownerOf'>> => {
  if (!isPostgresUrl(storeUrl)) return new LocalOwnership(`reader-${process.pid}`)
  const { PostgresClaims } = await import('../worker/postgres-ownership.js')
  return new PostgresClaims(await postgresStore(store))
}

const postgresStore = async (store: Persister) => {
  const { PostgresPersister } = await import('../persistence/postgres/persister.js')
  if (!(store instanceof PostgresPersister))
    throw new Error('a postgres:// store URL opened something other than a PostgresPersister')
  return store
}
