/**
 * `ProcessLauncher`: takes launch, continue and create tasks from a communicator and runs them on
 * a runner. Tasks carry the pid, so they are idempotent: a launch delivered again (its first
 * worker died) continues the process from its checkpoint instead of starting it twice, and a
 * continue for a process already live here joins it.
 */
import { bundle } from '../checkpoint/bundle.js'
import { CheckpointError } from '../checkpoint/errors.js'
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { Persister } from '../persistence/persister.js'
import type { ProcessHandle } from '../runtime/handle.js'
import { loadProcess } from '../runtime/load.js'
import type { Runner } from '../runtime/runner.js'
import type { Communicator, TaskDelivery } from './communicator.js'
import { TaskRejected } from './errors.js'
import {
  decodeMessage,
  LauncherTask,
  type ContinueTask,
  type CreateTask,
  type LaunchTask,
} from './messages.js'

/** Where a launcher runs processes. */
export interface LauncherOptions {
  readonly runner: Runner
  readonly registry: DefinitionRegistry
  /** Needed for `persist` and `continue` tasks; without one they are refused. */
  readonly persister?: Persister
  /**
   * Acknowledge a task held longer than this (ms), once its process is checkpointed, so that the
   * broker's consumer timeout never closes the channel. The process then goes on here; if this
   * worker dies later, `plumpy-ts revive` sends a continue task for it. Default 10 minutes.
   */
  readonly holdLimitMs?: number
  /** Refuse new tasks (they go to another subscriber), e.g. while shutting down. */
  readonly accepting?: () => boolean
}

/** Runs tasks on a runner. */
export class ProcessLauncher {
  constructor(private readonly options: LauncherOptions) {}

  /** Subscribe to `communicator`'s tasks; resolves to the subscriber id. */
  subscribe(communicator: Communicator, slots?: number): Promise<string> {
    return communicator.addTaskSubscriber(
      (task, delivery) => this.handle(task, delivery),
      slots === undefined ? {} : { slots },
    )
  }

  /** Handle one task (decoded with io-ts; a malformed one is refused with the reason). */
  async handle(raw: unknown, delivery?: TaskDelivery): Promise<unknown> {
    if (this.options.accepting?.() === false) throw new TaskRejected('this launcher is stopping')
    const task = decodeMessage(LauncherTask, raw)
    switch (task.task) {
      case 'launch':
        return this.launch(task, delivery)
      case 'continue':
        return this.continue(task, delivery)
      case 'create':
        return this.create(task)
    }
  }

  private async launch(task: LaunchTask, delivery?: TaskDelivery): Promise<unknown> {
    if (task.persist === true) this.requirePersister('persist')
    const process = (await this.existing(task.pid)) ?? this.createProcess(task)
    if (task.persist === true) await this.checkpointNow(process)
    return this.run(process, task.nowait === true, delivery)
  }

  private async continue(task: ContinueTask, delivery?: TaskDelivery): Promise<unknown> {
    const persister = this.requirePersister('continue')
    const process = await loadProcess(
      this.options.runner,
      persister,
      this.options.registry,
      task.pid,
      task.tag,
    )
    // A paused checkpoint stays paused: it runs on once someone plays it.
    return this.run(process, task.nowait === true, delivery)
  }

  private async create(task: CreateTask): Promise<string> {
    if (task.persist === true) this.requirePersister('persist')
    const process = (await this.existing(task.pid)) ?? this.createProcess(task)
    if (task.persist === true) await this.checkpointNow(process)
    return process.pid
  }

  /** The live process with this pid, or the one its checkpoint describes (a redelivery). */
  private async existing(pid: string): Promise<ProcessHandle | undefined> {
    const live = this.options.runner.get(pid)
    if (live !== undefined) return live
    const persister = this.options.persister
    if (persister === undefined) return undefined
    try {
      return await loadProcess(this.options.runner, persister, this.options.registry, pid)
    } catch (error) {
      if (error instanceof CheckpointError && error.problem === 'not-found') return undefined
      throw error
    }
  }

  private createProcess(task: LaunchTask | CreateTask): ProcessHandle {
    const definition = this.options.registry.get(task.definition)
    if (definition === undefined)
      throw new Error(`no definition named '${task.definition}' is registered with this launcher`)
    return this.options.runner.create(definition, task.inputs ?? {}, { pid: task.pid })
  }

  private async run(process: ProcessHandle, nowait: boolean, delivery?: TaskDelivery) {
    const done = process.stepUntilTerminated()
    if (nowait) {
      delivery?.ack()
      return process.pid
    }
    const limit = this.options.holdLimitMs ?? 600_000
    const timer =
      delivery === undefined || this.options.persister === undefined
        ? undefined
        : setTimeout(() => delivery.ack(), limit)
    try {
      await done
    } finally {
      if (timer !== undefined) clearTimeout(timer)
    }
    await this.options.runner.flush()
    return outcome(process)
  }

  private async checkpointNow(process: ProcessHandle): Promise<void> {
    await this.requirePersister('persist').saveCheckpoint(bundle(process))
  }

  private requirePersister(what: string): Persister {
    if (this.options.persister === undefined)
      throw new Error(`a ${what} task needs a launcher with a persister`)
    return this.options.persister
  }
}

/** The outputs of a finished process; its failure (as an error) otherwise. */
const outcome = (process: ProcessHandle): unknown => {
  const failure = process.failure()
  if (failure !== undefined) throw failure
  return process.outputs
}
