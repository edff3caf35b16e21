/**
 * Workers and CLI commands as real OS processes, for the worker and CLI specs: spawned with
 * `node --import tsx lib/cli/main.ts …`, each in a process group of its own (killed whole at the
 * end), their output in a file (a pipe could fill up and block them).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { connect } from 'amqplib'
import pg from 'pg'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CLI = join(ROOT, 'lib/cli/main.ts')
/** The definitions module the worker specs run. */
export const DEFINITIONS = join(ROOT, 'examples/scaling/definitions.ts')

/** A directory for one spec file's logs and records. */
export const scratchDir = (name: string): string =>
  mkdtempSync(join(process.env['PLUMPY_TEST_TMP'] ?? tmpdir(), `${name}-`))

/** A prefix of one's own for queues and exchanges. */
export const freshPrefix = (name: string): string =>
  `plumpy-test-${name}-${randomBytes(4).toString('hex')}`

/** Resolves once `condition()` holds; rejects after `timeoutMs`, naming `what`. */
export const waitUntil = async (
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A worker process. */
export interface WorkerProcess {
  readonly name: string
  readonly child: ChildProcess
  /** The OS pid (the `<os pid>` of execution records). */
  readonly pid: number
  readonly logFile: string
  /** What it printed so far (stdout and stderr). */
  log(): string
  /** Resolves once its log has a line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>
  /** Resolves to its exit code (or signal) once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Sends a signal to the worker (SIGKILL goes to its whole process group). */
  signal(signal: NodeJS.Signals): void
}

/** How to start a worker. */
export interface WorkerSpawnOptions {
  readonly name: string
  readonly broker: string
  readonly store: string
  readonly prefix: string
  readonly dir: string
  /** The definitions module (default {@link DEFINITIONS}). */
  readonly definitions?: string
  readonly slots?: number
  readonly holdLimitMs?: number
  /** `--recover-every-ms` (0: the worker never continues processes by itself). */
  readonly recoverEveryMs?: number
  readonly pruneAfterMs?: number
  readonly leaseMs?: number
  readonly env?: Readonly<Record<string, string>>
  /** More `plumpy-ts worker` options, as given on the command line. */
  readonly args?: readonly string[]
}

const running = new Set<WorkerProcess>()

/** Starts a worker and waits until it takes tasks. */
export const startWorker = async (options: WorkerSpawnOptions): Promise<WorkerProcess> => {
  const args = [
    'worker',
    '--broker',
    options.broker,
    '--store',
    options.store,
    '--definitions',
    options.definitions ?? DEFINITIONS,
    '--prefix',
    options.prefix,
    '--name',
    options.name,
    ...(options.slots === undefined ? [] : ['--slots', String(options.slots)]),
    ...(options.holdLimitMs === undefined ? [] : ['--hold-limit-ms', String(options.holdLimitMs)]),
    ...(options.recoverEveryMs === undefined
      ? []
      : ['--recover-every-ms', String(options.recoverEveryMs)]),
    ...(options.pruneAfterMs === undefined
      ? []
      : ['--prune-after-ms', String(options.pruneAfterMs)]),
    ...(options.leaseMs === undefined ? [] : ['--lease-ms', String(options.leaseMs)]),
    // Every task and transition in the log, which the tests read (`args` may say otherwise).
    '--log-level',
    'debug',
    ...(options.args ?? []),
  ]
  const logFile = join(options.dir, `worker-${options.name}.log`)
  const fd = openSync(logFile, 'a')
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...options.env },
  })
  closeSync(fd)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
  const worker: WorkerProcess = {
    name: options.name,
    child,
    pid: child.pid ?? -1,
    logFile,
    log,
    exited,
    waitForLog: (pattern, timeoutMs = 30_000) =>
      waitUntil(`worker ${options.name} to log ${pattern}`, () => pattern.test(log()), timeoutMs),
    signal: (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      if (signal === 'SIGKILL') process.kill(-(child.pid ?? 0), 'SIGKILL')
      else child.kill(signal)
    },
  }
  running.add(worker)
  void exited.then(() => running.delete(worker))
  const failed = exited.then(({ code, signal }) => {
    throw new Error(
      `worker ${options.name} exited (${code ?? signal}) before it was ready:\n${log()}`,
    )
  })
  await Promise.race([worker.waitForLog(/[ "]ready: /, 60_000), failed])
  failed.catch(() => undefined)
  return worker
}

/** Kills (SIGKILL, whole group) every worker still running, and waits for them. */
export const killAllWorkers = async (): Promise<void> => {
  const left = [...running]
  for (const worker of left) worker.signal('SIGKILL')
  await Promise.all(left.map((worker) => worker.exited))
}

/** What a CLI command printed, and its exit code. */
export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `plumpy-ts <args>` to its end. */
export const runCli = (args: readonly string[], timeoutMs = 60_000): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      process.kill(-(child.pid ?? 0), 'SIGKILL')
      reject(new Error(`plumpy-ts ${args.join(' ')} did not end within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

/** Deletes the queue and exchanges of a prefix, and the named task queues given. */
export const removeTopology = async (
  url: string,
  prefix: string,
  taskQueues: readonly string[] = [],
): Promise<void> => {
  const connection = await connect(url)
  try {
    const channel = await connection.createChannel()
    await channel.deleteQueue(`${prefix}.tasks`)
    for (const name of taskQueues) await channel.deleteQueue(`${prefix}.queue.${name}`)
    await channel.deleteExchange(`${prefix}.rpc`)
    await channel.deleteExchange(`${prefix}.broadcast`)
    await channel.close()
  } finally {
    await connection.close()
  }
}

/**
 * Creates the checkpoint tables, plus a history of every committed checkpoint write with the
 * name of the worker that wrote it (a trigger in the writer's transaction: a row exists exactly
 * when the write was committed).
 */
export const prepareHistory = async (url: string): Promise<void> => {
  const persister = new PostgresPersister({ connectionString: url })
  await persister.ensureSchema()
  await persister.close()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`
      CREATE TABLE checkpoint_history (
        seq BIGSERIAL PRIMARY KEY, pid TEXT NOT NULL, tag_key TEXT NOT NULL, body TEXT NOT NULL,
        writer TEXT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
      CREATE FUNCTION record_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO checkpoint_history (pid, tag_key, body, writer)
        VALUES (NEW.pid, NEW.tag_key, NEW.body, current_setting('application_name'));
        RETURN NEW;
      END $$;
      CREATE TRIGGER checkpoint_history AFTER INSERT OR UPDATE ON checkpoints
        FOR EACH ROW EXECUTE FUNCTION record_checkpoint();`)
  } finally {
    await client.end()
  }
}

/** One committed checkpoint write. */
export interface HistoryRow {
  /** Its place in commit order. */
  readonly seq: number
  readonly pid: string
  readonly writer: string
  readonly state: string
  readonly ctx: Readonly<Record<string, unknown>>
  readonly parent: string | undefined
}

/** Every committed write, in commit order. */
export const readHistory = async (url: string): Promise<HistoryRow[]> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{
      seq: string
      pid: string
      body: string
      writer: string
    }>("SELECT seq, pid, body, writer FROM checkpoint_history WHERE tag_key = '' ORDER BY seq")
    return rows.map((row) => {
      const body = JSON.parse(row.body) as {
        state: string
        ctx?: Record<string, unknown>
        parent?: string
      }
      return {
        seq: Number(row.seq),
        pid: row.pid,
        writer: row.writer.replace(/^plumpy-ts worker /, ''),
        state: body.state,
        ctx: body.ctx ?? {},
        parent: body.parent,
      }
    })
  } finally {
    await client.end()
  }
}

/** One execution of a recorded step. */
export interface Execution {
  readonly osPid: number
  readonly pipeline: string
  readonly step: string
  readonly index: number
}

/** The executions recorded in `file` (see `examples/scaling/definitions.ts`). */
export const readExecutions = (file: string): Execution[] =>
  (existsSync(file) ? readFileSync(file, 'utf8') : '')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [osPid, pipeline, step, index] = line.split(' ')
      return {
        osPid: Number(osPid),
        pipeline: pipeline ?? '',
        step: step ?? '',
        index: Number(index),
      }
    })

/** The OS pids that ran each step, in order, by `<pipeline> <step> <index>`. */
export const runsByStep = (file: string): Map<string, number[]> => {
  const runs = new Map<string, number[]>()
  for (const e of readExecutions(file)) {
    const key = `${e.pipeline} ${e.step} ${e.index}`
    runs.set(key, [...(runs.get(key) ?? []), e.osPid])
  }
  return runs
}

/**
 * For each of `pids` (pipelines), the rounds collected by the latest of its committed
 * checkpoints that `counts` selects (say, those a killed worker wrote): a step of a later round
 * may run again, an earlier one never.
 */
export const committedRounds = (
  history: readonly HistoryRow[],
  pids: readonly string[],
  counts: (row: HistoryRow) => boolean,
): Map<string, number> => {
  const rounds = new Map<string, number>()
  for (const row of history)
    if (counts(row) && pids.includes(row.pid))
      rounds.set(row.pid, Math.max(rounds.get(row.pid) ?? 0, Number(row.ctx['i'])))
  return rounds
}
