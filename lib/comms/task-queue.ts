/**
 * The pull API of task queues (kiwipy's `task_queue`): instead of subscribing a handler that the
 * communicator calls, a program takes tasks from a named queue when it is ready for them.
 *
 * ```ts
 * const queue = communicator.taskQueue('squares')
 * for await (const task of queue) {
 *   await task.process().resolve((task.body as number) ** 2) // answers its sender
 * }
 * // here the queue was empty
 * ```
 *
 * Each transport gives a {@link TaskSource} (take one task, send one); the iteration, the states
 * of a task and the putting back of tasks not processed are written once, here.
 */
import { InvalidTaskStateError } from './errors.js'
import { failed, ok, type Outcome } from './outcome.js'
import type {
  IncomingTask,
  IncomingTaskState,
  TaskProcessing,
  TaskQueue,
  TaskSendOptions,
} from './communicator.js'

/** The one-line rule of task queue names, for errors. */
const NAME_RULE = '1 to 128 characters among A-Z a-z 0-9 _ . -'

/** A task queue's name, checked: a `RangeError` naming the rule otherwise. */
export const validTaskQueueName = (name: string): string => {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(name))
    throw new RangeError(`invalid task queue name ${JSON.stringify(name)}: ${NAME_RULE}`)
  return name
}

/** One task as a transport hands it out. */
export interface TakenTask {
  readonly body: unknown
  readonly redelivered: boolean
  readonly awaited: boolean
  /** Sends the outcome to the sender (when one waits), then acknowledges the task. */
  answer(outcome: Outcome): Promise<void>
  /** Puts the task back in the queue. */
  requeue(): Promise<void>
}

/** What a transport provides for one named queue. */
export interface TaskSource {
  readonly name: string
  send(task: unknown, options: TaskSendOptions): Promise<unknown>
  /** The next task, or `undefined` when the queue is empty now. */
  take(): Promise<TakenTask | undefined>
}

class Incoming implements IncomingTask {
  private current: IncomingTaskState = 'pending'

  constructor(private readonly taken: TakenTask) {}

  get body(): unknown {
    return this.taken.body
  }

  get redelivered(): boolean {
    return this.taken.redelivered
  }

  get awaited(): boolean {
    return this.taken.awaited
  }

  get state(): IncomingTaskState {
    return this.current
  }

  process(): TaskProcessing {
    this.leave('process')
    this.current = 'processing'
    let settled = false
    const settle = async (outcome: Outcome) => {
      if (settled) throw new InvalidTaskStateError('settle', 'done')
      settled = true
      await this.taken.answer(outcome)
      this.current = 'done'
    }
    return {
      resolve: async (value) => {
        if (settled) throw new InvalidTaskStateError('resolve', 'done')
        let outcome: Outcome
        try {
          outcome = ok(await value)
        } catch (error) {
          outcome = failed(error)
        }
        await settle(outcome)
      },
      reject: (error) => settle(failed(error)),
    }
  }

  async requeue(): Promise<void> {
    this.leave('requeue')
    this.current = 'requeued'
    await this.taken.requeue()
  }

  private leave(operation: string): void {
    if (this.current !== 'pending') throw new InvalidTaskStateError(operation, this.current)
  }
}

/** The pull API over a transport's source. */
export const pullQueue = (source: TaskSource): TaskQueue => {
  const next = async (): Promise<IncomingTask | undefined> => {
    const taken = await source.take()
    return taken === undefined ? undefined : new Incoming(taken)
  }
  return {
    name: source.name,
    taskSend: async (task, options = {}) => source.send(task, options),
    next,
    async *[Symbol.asyncIterator]() {
      const taken: IncomingTask[] = []
      try {
        for (;;) {
          const task = await next()
          if (task === undefined) return
          taken.push(task)
          yield task
        }
      } finally {
        // Last taken first: each goes back to the head, so the queue keeps their order.
        for (const task of taken.reverse()) if (task.state === 'pending') await task.requeue()
      }
    },
  }
}
