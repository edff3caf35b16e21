/**
 * The worker: runs the processes that tasks ask for, on a runner that checkpoints every
 * transition into a shared store, with every process claimed so that no other worker runs it.
 *
 * What it guarantees, and how (see also `ownership.ts`, `store.ts` and the launcher):
 * - **Nothing lost.** A task is acknowledged only when its process has ended, early for `nowait`
 *   once a checkpoint of it is stored, or when it is handed on at the hold limit (a continue task
 *   with the sender's return address takes its place). A worker that dies leaves either an
 *   unacknowledged task, which the broker hands to another worker that then answers the sender,
 *   or (`nowait`) a stored, non-terminal process whose claim no live worker holds, which the
 *   other workers' recovery rounds find and continue (`recovery.ts`).
 * - **Database restarts.** Checkpoint writes that fail while the database is away are retried
 *   until they commit (and steps wait for them); the lease reconnects and re-verifies its
 *   claims. Only when another worker took some of its trees over meanwhile (its lease died: see
 *   `postgres-ownership.ts`) does a worker stop (`abort`), writing nothing more; the command
 *   line then starts it again.
 * - **Nothing twice.** A process runs only where it is claimed; a redelivered task for a process
 *   that its owner still runs waits for it instead of running it again. Steps run only once the
 *   checkpoints before them are committed (`writeAheadScheduler`), so after a crash the steps run
 *   again are at most those run since the last checkpoint was committed.
 * - **Never silent on the wire.** The loop turns whenever a process waits, and every step waits
 *   for its predecessors' checkpoints: heartbeats and RPC flow while processes run. (A run of
 *   steps that never waits is one synchronous turn: keep such runs short.)
 * - **Graceful stop** (`shutdown`): no new tasks, every process paused between two steps, every
 *   checkpoint written, claims released, then the connection closed: the broker hands the tasks
 *   this worker held to others, which continue the processes from their checkpoints.
 */
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { Communicator } from '../comms/communicator.js'
import { ProcessLauncher } from '../comms/launcher.js'
import { processControl, type ProcessControl } from '../comms/process-control.js'
import type { Persister } from '../persistence/persister.js'
import type { Logger } from '../runtime/environment.js'
import type { Durability } from '../runtime/durability.js'
import { hasHistory } from '../persistence/catalog/history.js'
import { recordHistory, type HistoryRecorder } from '../runtime/history.js'
import { Runner, type RunnerPlugin } from '../runtime/runner.js'
import { workerLog, workerLogger } from './events.js'
import type { CheckpointWrite, WorkerMetrics } from './metrics.js'
import type { Ownership } from './ownership.js'
import { backgroundRounds } from './background.js'
import type { DueTimers } from './due-timers.js'
import type { OrphanFinder, Recovery } from './recovery.js'
import { checkpointEveryTransition, WorkerStore, writeAheadScheduler } from './store.js'

/** What a worker is made of. */
export interface WorkerOptions {
  /** The worker's id, in its log lines and as the owner of its processes. */
  readonly name: string
  readonly communicator: Communicator
  /** The shared checkpoint store. */
  readonly store: Persister
  readonly ownership: Ownership
  readonly registry: DefinitionRegistry
  /**
   * Processes run at once (children not counted), and tasks held unacknowledged (the prefetch).
   * Default 100.
   */
  readonly slots?: number
  /** Acknowledge tasks held longer than this, once checkpointed (default 10 minutes). */
  readonly holdLimitMs?: number
  /**
   * Where its log goes (default `workerLogger(name)`: information to stdout, warnings and errors
   * to stderr, debug dropped). See `workerLog` for what is logged at which level.
   */
  readonly logger?: Logger
  /** How long shutdown waits to send the continue tasks of early-acknowledged processes. */
  readonly sendTimeoutMs?: number
  /**
   * Obey pause, play and kill broadcasts (`pauseAll`, …; default true). False: the worker does
   * not even subscribe to broadcasts, and its processes are controlled by RPC to their pid only.
   */
  readonly controlBroadcasts?: boolean
  /**
   * Every this many ms (and at start), continue stored processes that no live worker holds
   * (see `recovery.ts`). Default 30,000; 0: never (then `plumpy-ts revive` does it).
   */
  readonly recoverEveryMs?: number
  /**
   * Every this many ms, claim and continue the processes whose timers are due by the runner's
   * clock and that no live worker holds (their worker died while they slept; see
   * `due-timers.ts`). Default 500; 0: never.
   */
  readonly timerPollMs?: number
  /** With recovery, prune orphans older than this (default 600,000 ms; see `prune.ts`). */
  readonly pruneAfterMs?: number
  /** Where orphan candidates come from (`PostgresPersister.orphanCandidates`); none: no pruning. */
  readonly orphans?: OrphanFinder
  /**
   * How far processes may run ahead of the commits of their checkpoints (see `Durability`).
   * Default `batched`: steps run ahead, a process ends (and its launch is answered) once its last
   * checkpoint is committed.
   */
  readonly durability?: Durability
  /**
   * Record the history of its processes in the store, when the store keeps history (SQLite,
   * PostgreSQL, memory; see `recordHistory`). Default true.
   */
  readonly history?: boolean
  /** Count and time its steps and checkpoints here (see `WorkerMetrics`). */
  readonly metrics?: WorkerMetrics
}

/** How a worker stopped. */
export interface WorkerStopped {
  /** `shutdown` (graceful) or `lost` (another worker took some of its trees: stopped at once). */
  readonly reason: 'shutdown' | 'lost'
  /** Processes it paused and gave back. */
  readonly processes: number
}

/**
 * A running worker.
 *
 * @example
 * const store = new PostgresPersister({ connectionString: url })
 * const worker = await Worker.start({
 *   name: 'worker-1',
 *   communicator: await AmqpCommunicator.connect('amqp://127.0.0.1?heartbeat=10'),
 *   store,
 *   ownership: await PostgresOwnership.connect({ url, store, name: 'worker-1' }),
 *   orphans: (olderThanMs, limit) => store.orphanCandidates(olderThanMs, limit),
 *   registry: DefinitionRegistry.of(Pipeline, Work),
 *   slots: 50,
 * })
 * process.once('SIGTERM', () => void worker.shutdown('SIGTERM'))
 */
export class Worker {
  readonly runner: Runner
  readonly store: WorkerStore
  readonly launcher: ProcessLauncher
  private readonly control: ProcessControl
  private readonly recovery: Recovery | undefined
  private readonly dueTimers: DueTimers | undefined
  private readonly history: HistoryRecorder | undefined
  private readonly say: (text: string) => void
  /** Resolves once the worker has stopped, gracefully or not. */
  readonly stopped: Promise<WorkerStopped>
  private accepting = true
  /** The task subscription, while the worker takes tasks. */
  private subscriber: string | undefined
  /** Subscription changes, one after another. */
  private consumption: Promise<void> = Promise.resolve()
  private stopping: Promise<WorkerStopped> | undefined
  private markStopped: (how: WorkerStopped) => void = () => undefined

  private constructor(private readonly options: WorkerOptions) {
    this.stopped = new Promise((resolve) => {
      this.markStopped = resolve
    })
    const logger = options.logger ?? workerLogger(options.name)
    const log = workerLog(logger)
    this.say = log.say
    const fenced = options.ownership.fencedWriter
    // A checkpoint of a process of a claimed tree commits only while the tree is this worker's;
    // the checkpoint of a `create` task, which no one runs yet, is written as it is.
    const write: CheckpointWrite =
      fenced === undefined
        ? (bundle, tag) => options.store.saveCheckpoint(bundle, tag)
        : (bundle, tag) => {
            const root = this.launcher.rootOf(bundle.pid)
            return root === undefined
              ? options.store.saveCheckpoint(bundle, tag)
              : fenced(bundle, root, tag)
          }
    this.store = new WorkerStore(options.store, {
      logger,
      onFencedOut: (error) => void this.abort(error.message),
      write: options.metrics === undefined ? write : options.metrics.timed(write),
    })
    // Every transition is checkpointed by `checkpointEveryTransition` (see there for why not the
    // runner's own); the runner's persister takes the checkpoints that steps ask for.
    this.runner = new Runner({
      persister: this.store,
      checkpoints: 'on-request',
      scheduler: writeAheadScheduler(this.store),
      plugins: [checkpointEveryTransition(this.store, logger)],
      durability: options.durability ?? 'batched',
      logger,
      // A long run of steps without a wait still lets heartbeats and RPCs through.
      timeSliceMs: 50,
    })
    this.control = processControl(options.communicator, {
      logger,
      ...(options.controlBroadcasts === undefined
        ? {}
        : { controlBroadcasts: options.controlBroadcasts }),
    })
    this.runner.use(this.control)
    this.runner.use(log.plugin)
    const store = options.store
    this.history =
      options.history !== false && hasHistory(store)
        ? recordHistory({ history: store, clock: this.runner.clock, logger })
        : undefined
    if (this.history !== undefined) this.runner.use(this.history)
    if (options.metrics !== undefined) {
      this.runner.use(options.metrics.plugin)
      options.metrics.observe({
        processes: () => this.runner.list(),
        holds: (pid) => options.ownership.holds(pid),
      })
    }
    const regulate = (process: { readonly parentPid: string | undefined }) =>
      process.parentPid === undefined && this.regulate()
    // A root parked on a signal or a timer holds no slot (`isParked`): it may park or wake.
    const moved: RunnerPlugin['stateChanged'] = (process, from, to) =>
      (from === 'WAITING' || to === 'WAITING') && regulate(process)
    this.runner.use({ created: regulate, stateChanged: moved, terminated: regulate })
    this.launcher = new ProcessLauncher({
      runner: this.runner,
      registry: options.registry,
      persister: this.store,
      ...(options.holdLimitMs === undefined ? {} : { holdLimitMs: options.holdLimitMs }),
      accepting: () => this.accepting,
      maxProcesses: this.slots,
      ownership: options.ownership,
      written: (pid) => this.store.writtenHere(pid),
      onEvent: log.launcherEvent,
    })
    const rounds = backgroundRounds({
      ownership: options.ownership,
      store: options.store,
      registry: options.registry,
      launcher: this.launcher,
      recoverEveryMs: options.recoverEveryMs,
      timerPollMs: options.timerPollMs,
      pruneAfterMs: options.pruneAfterMs,
      orphans: options.orphans,
      now: () => this.runner.clock(),
      room: () => this.slots - this.launcher.processCount(),
      accepting: () => this.accepting,
      runsHere: (pid) => this.runner.get(pid) !== undefined,
      say: this.say,
    })
    this.recovery = rounds.recovery
    this.dueTimers = rounds.dueTimers
  }

  /** Builds the worker and starts taking tasks. */
  static async start(options: WorkerOptions): Promise<Worker> {
    const worker = new Worker(options)
    worker.subscriber = await worker.launcher.subscribe(options.communicator, worker.slots)
    worker.say(
      `ready: ${worker.slots} slots, hold limit ${options.holdLimitMs ?? 600_000} ms, ` +
        `${options.registry.definitions().length} definitions` +
        (options.controlBroadcasts === false ? ', control broadcasts refused' : '') +
        (worker.dueTimers === undefined ? ', due timers not polled' : ''),
    )
    worker.recovery?.start()
    worker.dueTimers?.start()
    return worker
  }

  private get slots(): number {
    return this.options.slots ?? 100
  }

  /**
   * Slots bound the tasks held unacknowledged; once tasks are acknowledged or handed on, the worker
   * bounds its processes by taking no task while it runs `slots` of them.
   */
  private regulate(): void {
    this.consumption = this.consumption
      .then(async () => {
        if (!this.accepting) return
        const full = this.launcher.processCount() >= this.slots
        if (full && this.subscriber !== undefined) {
          const subscriber = this.subscriber
          this.subscriber = undefined
          await this.options.communicator.removeTaskSubscriber(subscriber)
          this.say(`at capacity (${this.slots} processes): not taking tasks`)
        } else if (!full && this.subscriber === undefined) {
          this.subscriber = await this.launcher.subscribe(this.options.communicator, this.slots)
          this.say('taking tasks again')
        }
      })
      .catch((error: unknown) =>
        this.say(`could not change the task subscription: ${String(error)}`),
      )
  }

  /** The name of this worker. */
  get name(): string {
    return this.options.name
  }

  /**
   * Stop gracefully: take no more tasks, pause every process between two steps, write every
   * checkpoint, release the claims, make sure each process has a task in the queue, close.
   * Resolves when done; calling it again returns the same promise.
   */
  shutdown(reason = 'shutdown requested'): Promise<WorkerStopped> {
    if (this.stopping === undefined) {
      this.stopping = this.stopGracefully(reason)
      void this.stopping.then(this.markStopped, () => undefined)
    }
    return this.stopping
  }

  /**
   * Another worker took some of this worker's trees over (its lease died while it lived): stop
   * every process at once, write nothing more, close. Its tasks go back to the queue with the
   * broker connection; its other claims are free once its lease is closed.
   */
  abort(reason: string): Promise<WorkerStopped> {
    this.store.abandon()
    this.history?.stop()
    if (this.stopping !== undefined) return this.stopping
    this.say(`lost the claims of some of its processes (${reason}): stopping them now`)
    const paused = this.pauseAll()
    this.stopping = (async () => {
      this.accepting = false
      await this.recovery?.stop()
      await this.dueTimers?.stop()
      // Writes under way are fenced: they commit, or are refused if their tree is gone.
      await Promise.race([this.store.flush(), sleep(5_000)])
      await this.closeConnections()
      this.say('stopped')
      return { reason: 'lost' as const, processes: paused.length }
    })()
    void this.stopping.then(this.markStopped, () => undefined)
    return this.stopping
  }

  private async stopGracefully(reason: string): Promise<WorkerStopped> {
    const { communicator, ownership } = this.options
    this.say(`${reason}: shutting down`)
    this.accepting = false
    await this.recovery?.stop()
    await this.dueTimers?.stop()
    await this.consumption
    if (this.subscriber !== undefined)
      await communicator.removeTaskSubscriber(this.subscriber).catch((error: unknown) => {
        this.say(`could not unsubscribe (${String(error)}): the connection close will do it`)
      })
    this.say('stopped taking tasks')

    // One synchronous turn: no step runs in between, and nothing after it is written (so the
    // checkpoints do not say "paused", except for processes that their users paused).
    const userPaused = this.runner.list().filter((process) => process.paused).length
    this.store.fence()
    const live = this.pauseAll()
    this.say(`paused ${live.length} processes (${userPaused} were paused already)`)
    await this.store.flush()
    await this.history?.flush()
    this.say('checkpoints written')

    const claims = live.filter((process) => ownership.holds(process.pid)).length
    await ownership.handBack().then(
      () => this.say(`released ${claims} claims`),
      // Held by this worker's lease, they are free anyway once it is closed, below.
      (error: unknown) => this.say(`claims not handed back (${String(error)}): freed on close`),
    )

    // Tasks held here go back to the queue when the connection closes; a process without one
    // here (nowait, or its continue task held by a worker following it) gets a continue task
    // (sent after its claim is released, so that whoever takes it can run the process).
    const roots = live.filter((process) => process.parentPid === undefined)
    const orphans = roots.filter((process) => !this.launcher.holdsTask(process.pid))
    let sent = 0
    for (const process of orphans) if (await this.sendContinue(process.pid)) sent += 1
    this.say(
      `${roots.length - orphans.length} tasks go back to the queue, ` +
        `${sent} continue tasks sent` +
        (sent < orphans.length ? ` (${orphans.length - sent} left for plumpy-ts revive)` : ''),
    )
    this.pauseAll() // anything a task built meanwhile
    await this.closeConnections()
    this.say('stopped')
    return { reason: 'shutdown', processes: live.length }
  }

  private pauseAll() {
    const live = this.runner.list()
    for (const process of live) void process.pause('worker shutting down').catch(() => undefined)
    return live
  }

  private async sendContinue(pid: string): Promise<boolean> {
    const timeout = this.options.sendTimeoutMs ?? 10_000
    const sent = this.options.communicator
      .taskSend({ task: 'continue', pid }, { noReply: true })
      .then(() => true)
    return Promise.race([sent, sleep(timeout).then(() => false)]).catch((error: unknown) => {
      this.say(`continue task for ${pid} not sent: ${String(error)}`)
      return false
    })
  }

  private async closeConnections(): Promise<void> {
    await this.control.close().catch(() => undefined)
    await this.options.communicator.close()
    this.say('connection to the broker closed: held tasks are back in the queue')
    await this.options.ownership.close().catch(() => undefined)
    await this.store.close().catch(() => undefined)
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())
