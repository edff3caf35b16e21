/**
 * `ProcessLauncher`: runs launch, continue and create tasks from a communicator on a runner.
 * Tasks carry the pid, so they are idempotent: a launch delivered again (its first worker died)
 * continues the process from its checkpoint, a continue for a process live here joins it. A
 * task whose pid names a process of another definition or inputs (live, stored or elsewhere) is
 * refused with a `PidConflictError` (`same-process.ts`); one whose pid breaks the pid rule, as
 * malformed.
 *
 * A task is acknowledged when its handler settles. A `nowait` task is acknowledged early, once
 * its process has a stored checkpoint (the way back if this worker dies) and answers RPC under
 * its pid (so that the sender can control it the moment it has the pid). A task held for
 * `holdLimitMs`, so that no delivery outlives the broker's consumer timeout, is **handed on**
 * once its process is checkpointed: a `continue` task with `follow` and the sender's return
 * address is queued in its place, and the delivery acknowledged. The sender's answer so always
 * rests with a task in the broker: if this worker dies, the worker that takes the continue task
 * (redelivered) takes the process over from its checkpoint and answers; while this worker
 * lives, whoever holds the continue task joins or follows the process, and hands it on again
 * after the hold limit.
 *
 * With an `ownership` (several workers on one store), a process tree runs on one worker at a
 * time: the launcher claims a task's pid before it creates or loads the process, and releases
 * the claim once the whole tree (`process-trees.ts`) has terminated and been written. Children
 * run under their root's claim; a task naming a child is refused (`ChildTaskError`). A task for
 * a pid that another worker holds:
 * - a `continue` sent afresh is refused with {@link ProcessRunningElsewhereError} (it would run
 *   the process twice);
 * - a `launch`, or a task delivered again, is **followed**: the launcher waits until the process
 *   ends on its owner and answers its outcome from the store, or takes it over from its
 *   checkpoint if the owner dies meanwhile (its claims vanish with it);
 * - with `nowait`, the pid is the answer: the process runs, elsewhere.
 */
import { bundle, type Bundle } from '../checkpoint/bundle.js'
import { findCheckpoint, type Persister } from '../persistence/persister.js'
import { isTransientStoreError } from '../persistence/transient.js'
import type { ProcessHandle } from '../runtime/handle.js'
import { loadProcess } from '../runtime/load.js'
import { isParked } from '../waits/parked.js'
import { Runner } from '../runtime/runner.js'
import type { Communicator, MessageOrigin, TaskDelivery } from './communicator.js'
import { TaskRejected } from './errors.js'
import type { LauncherOptions } from './launcher-options.js'
import { ClaimedTrees } from './process-trees.js'
import {
  describeTask,
  isRefusal,
  passOnWithoutPersister,
  PersisterRequiredError,
  ProcessRunningElsewhereError,
  UnknownDefinitionError,
} from './launch-errors.js'
import {
  decodeLauncherTask,
  describeOrigin,
  reasonOf,
  type ContinueTask,
  type CreateTask,
  type LaunchTask,
  type LauncherTask,
} from './messages.js'
import { HeldTasks, handOnAfter, type TrackedDelivery } from './held-tasks.js'
import { checkIdentity, identityOfBundle, identityOfProcess } from './same-process.js'
import { hasEnded, outcome, outcomeOf } from './task-outcome.js'

export type { LauncherEvent, LauncherOptions, LauncherOwnership } from './launcher-options.js'
export { ProcessRunningElsewhereError } from './launch-errors.js'

type Obtained =
  | { readonly _tag: 'Here'; readonly process: ProcessHandle }
  | { readonly _tag: 'Elsewhere'; readonly owner: string }

/** Runs tasks on a runner. */
export class ProcessLauncher {
  /** Starts in progress, by pid: two tasks for one pid never build two processes. */
  private readonly starting = new Map<string, Promise<Obtained>>()
  private readonly held: HeldTasks
  /** With an ownership: the claims of the process trees that run here. */
  private readonly claims: ClaimedTrees | undefined

  constructor(private readonly options: LauncherOptions) {
    this.held = new HeldTasks({ logger: options.runner.logger, onEvent: options.onEvent })
    const { ownership, runner } = options
    if (ownership !== undefined)
      this.claims = new ClaimedTrees({ ownership, runner, written: (pid) => this.written(pid) })
  }

  /**
   * The claimed root of the tree `pid` belongs to (with an ownership): checkpoints of `pid` are
   * written only while that claim is held. Undefined for a process outside any claimed tree.
   */
  rootOf(pid: string): string | undefined {
    return this.claims?.rootOf(pid)
  }

  /** Subscribe to `communicator`'s tasks; resolves to the subscriber's identifier. */
  subscribe(communicator: Communicator, slots?: number): Promise<string> {
    return communicator.addTaskSubscriber(
      (task, delivery) => this.handle(task, delivery),
      undefined,
      slots === undefined ? {} : { slots },
    )
  }

  /**
   * Whether a task for `pid` is held unacknowledged here: if this worker stops, the broker
   * hands it to another one. A process without such a task needs a continue task to go on.
   */
  holdsTask(pid: string): boolean {
    return this.held.holds(pid)
  }

  /**
   * Handle one task (decoded with io-ts). A malformed task, or one refused before its process
   * runs (unknown definition, invalid inputs, no persister), is logged in one line and answered
   * with the reason.
   */
  async handle(raw: unknown, delivery?: TaskDelivery): Promise<unknown> {
    if (this.options.accepting?.() === false) throw new TaskRejected('this launcher is stopping')
    let task: LauncherTask
    try {
      task = decodeLauncherTask(raw)
    } catch (error) {
      this.reportRefusal('malformed task', error, delivery)
      throw error
    }
    this.options.onEvent?.({
      _tag: 'TaskReceived',
      task,
      redelivered: delivery?.redelivered ?? false,
    })
    try {
      return await this.dispatch(task, delivery)
    } catch (error) {
      if (isRefusal(error)) this.reportRefusal(describeTask(task), error, delivery)
      throw error
    }
  }

  private reportRefusal(what: string, error: unknown, origin: MessageOrigin | undefined): void {
    this.options.runner.logger.warn(`${what} refused: ${reasonOf(error)}${describeOrigin(origin)}`)
  }

  private async dispatch(task: LauncherTask, delivery: TaskDelivery | undefined) {
    if (task.task === 'create') return this.create(task)
    if (task.task === 'launch' && task.persist === true)
      passOnWithoutPersister(this.options.persister, 'persist')
    if (task.task === 'continue') passOnWithoutPersister(this.options.persister, 'continue')
    const tracked = delivery === undefined ? undefined : this.held.track(task.pid, delivery)
    try {
      return await this.start(task, tracked)
    } finally {
      tracked?.done()
    }
  }

  private async start(task: LaunchTask | ContinueTask, delivery?: TrackedDelivery) {
    const live = this.options.runner.get(task.pid)
    if (live !== undefined) return this.join(task, live, delivery)
    if (!this.hasRoom()) throw new TaskRejected('no room for another process on this worker')
    const obtained = await this.obtain(task)
    // Built for this task, or for another task with this pid that came first: check it is one.
    if (obtained._tag === 'Here') return this.join(task, obtained.process, delivery)
    return this.elsewhere(task, obtained.owner, delivery)
  }

  /** Run (or join) the process a task names, once it is sure to be the one the task asks for. */
  private join(
    task: LaunchTask | ContinueTask,
    process: ProcessHandle,
    delivery?: TrackedDelivery,
  ) {
    checkIdentity(task, identityOfProcess(process))
    return this.run(process, task.nowait === true, delivery)
  }

  /** How many processes started by tasks live here or are starting, parked ones (`isParked`) not. */
  processCount(): number {
    const { runner } = this.options
    let roots = 0
    for (const process of runner.list())
      if (process.parentPid === undefined && !isParked(process.snapshot)) roots++
    for (const pid of this.starting.keys()) if (runner.get(pid) === undefined) roots++
    return roots
  }

  private hasRoom(): boolean {
    const max = this.options.maxProcesses
    return max === undefined || this.processCount() < max
  }

  /** Claim the pid, then load or create the process (once, however many tasks ask at once). */
  private obtain(task: LaunchTask | ContinueTask): Promise<Obtained> {
    const pending = this.starting.get(task.pid)
    if (pending !== undefined) return pending
    const started = this.claimAndBuild(task).finally(() => this.starting.delete(task.pid))
    this.starting.set(task.pid, started)
    return started
  }

  private async claimAndBuild(task: LaunchTask | ContinueTask): Promise<Obtained> {
    const { claims } = this
    const pid = task.pid
    // No claim, no run: the task goes back to the queue for a worker that can claim.
    const claim = await claims?.claim(pid).catch((error: unknown) => {
      throw new TaskRejected(`cannot claim ${pid}: ${String(error)}`)
    })
    if (claim?._tag === 'Elsewhere') return claim
    let process: ProcessHandle
    try {
      if (this.options.accepting?.() === false) throw new TaskRejected('this launcher is stopping')
      process =
        task.task === 'continue'
          ? await this.load(task)
          : await this.build(task, claim?.stored === false)
    } catch (error) {
      await claims?.abandon(pid).catch(() => undefined)
      // The store is down for a while: another attempt (here or elsewhere) may do better.
      if (isTransientStoreError(error))
        throw new TaskRejected(`the store is unavailable (${reasonOf(error)})`)
      throw error
    }
    // A terminal checkpoint: nothing will run, nothing will be written.
    if (process.hasTerminated()) await claims?.abandon(pid)
    // Stopping meanwhile: the task goes back, and the claim stays until this worker lets go of
    // everything (a loaded process's children may have started).
    else if (this.options.accepting?.() === false)
      throw new TaskRejected('this launcher is stopping')
    return { _tag: 'Here', process }
  }

  /** A launch's process: loaded if its checkpoint is stored (`noneStored`: the claim saw none). */
  private async build(task: LaunchTask, noneStored: boolean): Promise<ProcessHandle> {
    const stored = noneStored ? undefined : await this.storedCheckpoint(task.pid)
    if (stored !== undefined) {
      // A launch delivered again: the process it started, from its checkpoint (and children).
      checkIdentity(task, identityOfBundle(stored))
      this.claims?.refuseChild(stored)
      const { runner, registry } = this.options
      return loadProcess(runner, this.requirePersister('continue'), registry, task.pid)
    }
    const process = this.createProcess(task, this.options.runner)
    // A task acknowledged at once must leave a checkpoint behind: the way back if we die.
    if (this.options.persister !== undefined && (task.persist === true || task.nowait === true))
      await this.checkpointNow(process)
    return process
  }

  private async load(task: ContinueTask): Promise<ProcessHandle> {
    const { runner, registry } = this.options
    const persister = this.requirePersister('continue')
    this.claims?.refuseChild(await persister.loadCheckpoint(task.pid, task.tag))
    return loadProcess(runner, persister, registry, task.pid, task.tag)
  }

  private async create(task: CreateTask): Promise<string> {
    if (task.persist === true) passOnWithoutPersister(this.options.persister, 'persist')
    const persister = this.options.persister
    if (persister === undefined) {
      const existing = this.options.runner.get(task.pid)
      if (existing !== undefined) checkIdentity(task, identityOfProcess(existing))
      return (existing ?? this.createProcess(task, this.options.runner)).pid
    }
    // Created where it will not run: a continue task brings it back on whichever worker.
    const live = this.options.runner.get(task.pid)
    const stored = live === undefined ? await this.storedCheckpoint(task.pid) : undefined
    if (live !== undefined || stored !== undefined) {
      checkIdentity(task, live === undefined ? identityOfBundle(stored!) : identityOfProcess(live))
      return task.pid
    }
    const scratch = new Runner({ logger: this.options.runner.logger })
    await persister.saveCheckpoint(bundle(this.createProcess(task, scratch)))
    return task.pid
  }

  /** The stored checkpoint of `pid`, if there is a store and it holds one. */
  private async storedCheckpoint(pid: string): Promise<Bundle | undefined> {
    const persister = this.options.persister
    if (persister === undefined) return undefined
    return findCheckpoint(persister, pid)
  }

  private createProcess(task: LaunchTask | CreateTask, runner: Runner): ProcessHandle {
    const definition = this.options.registry.get(task.definition)
    if (definition === undefined) throw new UnknownDefinitionError(task.definition)
    return runner.create(definition, task.inputs ?? {}, { pid: task.pid })
  }

  private async run(process: ProcessHandle, nowait: boolean, delivery?: TrackedDelivery) {
    const done = process.stepUntilTerminated()
    if (nowait) {
      const reachable = this.options.reachable ?? ((pid) => this.options.runner.reachable(pid))
      await reachable(process.pid).catch(() => undefined) // process control said why
      delivery?.ack()
      return process.pid
    }
    const hold = delivery === undefined ? undefined : this.holdLimit(process.pid, delivery)
    try {
      await (delivery === undefined ? done : Promise.race([done, delivery.handedOn]))
    } finally {
      hold?.cancel()
    }
    // The continue task in this one's place answers the sender: whatever this returns is dropped.
    if (delivery?.isHandedOn === true) return undefined
    await this.written(process.pid).catch((error: unknown) => {
      // Lost (its tree taken over) or let go: not the outcome; the task goes to its holder.
      throw new TaskRejected(`${process.pid} not answered here: ${reasonOf(error)}`)
    })
    return outcome(process)
  }

  /** A process another worker holds: refuse, answer the pid, or follow it to its end. */
  private async elsewhere(
    task: LaunchTask | ContinueTask,
    owner: string,
    delivery?: TrackedDelivery,
  ) {
    const report = (action: 'refused' | 'following' | 'answered') =>
      this.options.onEvent?.({ _tag: 'RunningElsewhere', pid: task.pid, owner, action })
    if (task.task === 'continue' && task.follow !== true && delivery?.redelivered !== true) {
      report('refused')
      throw new ProcessRunningElsewhereError(task.pid, owner)
    }
    // Checked again as the checkpoint is read while following (its owner may not have
    // written one yet).
    const stored = await this.storedCheckpoint(task.pid)
    if (stored !== undefined) checkIdentity(task, identityOfBundle(stored))
    if (task.nowait === true) {
      report('answered')
      delivery?.ack()
      return task.pid
    }
    report('following')
    return this.follow(task, delivery)
  }

  /**
   * Wait for a process that another worker runs: answer its outcome once its checkpoint is
   * terminal, or take it over (claim, load, run) if its owner goes away first.
   */
  private async follow(task: LaunchTask | ContinueTask, delivery?: TrackedDelivery) {
    const limit = this.options.holdLimitMs ?? 600_000
    const since = Date.now()
    let delay = this.options.followIntervalMs ?? 200
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, delay).unref())
      delay = Math.min(delay * 2, 2_000)
      // Never acknowledged (nowait does not follow, a hand-on returns): it goes back to the queue.
      if (this.options.accepting?.() === false) throw new TaskRejected('this launcher is stopping')
      // Taken over here meanwhile, by another task for the same pid: join it.
      const live = this.options.runner.get(task.pid)
      if (live !== undefined) return this.join(task, live, delivery)
      // The store down for a while, or no claim to be had: look again later.
      const look = await this.lookAt(task).catch((error: unknown) => {
        if (isTransientStoreError(error) || error instanceof TaskRejected) return undefined
        throw error
      })
      if (look?._tag === 'Ended') return outcomeOf(look.stored)
      const obtained = look?._tag === 'Obtained' ? look.obtained : undefined
      if (obtained?._tag === 'Here') {
        this.options.onEvent?.({ _tag: 'TakenOver', pid: task.pid })
        return this.join(task, obtained.process, delivery)
      }
      if (delivery !== undefined && Date.now() - since > limit && (await delivery.handOn()))
        return undefined
    }
  }

  /** The process's terminal checkpoint if it has ended, or else whether a claim can be had. */
  private async lookAt(task: LaunchTask | ContinueTask) {
    const stored = await this.storedCheckpoint(task.pid)
    if (stored !== undefined) checkIdentity(task, identityOfBundle(stored))
    if (stored !== undefined && hasEnded(stored)) return { _tag: 'Ended' as const, stored }
    return { _tag: 'Obtained' as const, obtained: await this.obtain(task) }
  }

  /** Hand a long-held task on once a checkpoint of its process is stored. */
  private holdLimit(pid: string, delivery: TrackedDelivery): { cancel(): void } | undefined {
    if (this.options.persister === undefined) return undefined
    const limitMs = this.options.holdLimitMs ?? 600_000
    return handOnAfter(limitMs, () => this.stored(pid), delivery)
  }

  private async stored(pid: string): Promise<boolean> {
    const addresses = await this.requirePersister('continue').getProcessCheckpoints(pid)
    return addresses.some((address) => address.tag === undefined)
  }

  private written(pid: string): Promise<void> {
    return this.options.written?.(pid) ?? this.options.runner.flush()
  }

  private async checkpointNow(process: ProcessHandle): Promise<void> {
    await this.requirePersister('persist').saveCheckpoint(bundle(process))
  }

  private requirePersister(what: string): Persister {
    if (this.options.persister === undefined) throw new PersisterRequiredError(what)
    return this.options.persister
  }
}
