/**
 * The in-process task queue of a {@link LocalBus}: the broker's task semantics without a broker.
 *
 * - Tasks wait in FIFO order until a subscriber with a free slot takes them, so a task sent
 *   before anyone subscribes is not lost.
 * - A task holds a slot until its handler settles or calls `ack()` (like the AMQP prefetch).
 * - A handler that throws `TaskRejected` puts the task back at the head of the queue, marked
 *   redelivered, for another subscriber; a task every current subscriber rejected waits for a
 *   new one (over AMQP it would bounce between them), unless a rejection said what to answer
 *   then (`ifNobodyTakesIt`): the sender gets that.
 * - A task can also be taken (`take`, the pull API of `TaskQueue`): it is held until answered
 *   or put back, and goes back if its taker's communicator closes.
 * - When a communicator closes, the tasks its subscribers hold unacknowledged go back to the
 *   queue, marked redelivered, and their handlers' results are dropped: a dying worker.
 */
import type { TaskHandler } from '../communicator.js'
import { TaskRejected } from '../errors.js'
import { copyOutcome, failed, runHandler, type Outcome } from '../outcome.js'
import type { TakenTask } from '../task-queue.js'

/** A task waiting in the queue or held by a subscriber. */
export interface QueuedTask {
  /** The task as JSON text, parsed afresh for every delivery. */
  readonly text: string | undefined
  redelivered: boolean
  /** Subscribers that rejected it: it is not offered to them again. */
  readonly rejectedBy: Set<string>
  /** What the sender gets once every subscriber rejected it (see `TaskRejected`). */
  ifNobodyTakesIt?: Outcome
  /** Takes the outcome to the sender; absent for no-reply tasks. */
  readonly settle: ((outcome: Outcome) => void) | undefined
}

/** A task subscriber as the queue sees it. */
export interface LocalTaskSubscriber {
  readonly id: string
  /** The communicator that owns it. */
  readonly owner: string
  readonly handler: TaskHandler
  readonly slots: number
  /** The largest result it sends back (its communicator's `maxMessageBytes`). */
  readonly maxMessageBytes: number
}

interface Holding {
  readonly task: QueuedTask
  acked: boolean
  abandoned: boolean
  /** The answer went to another task (`passOn`). */
  passedOn: boolean
}

interface Entry {
  readonly subscriber: LocalTaskSubscriber
  readonly holdings: Set<Holding>
  /** Slots in use: holdings not yet acknowledged. */
  used: number
}

const parse = (text: string | undefined): unknown =>
  text === undefined ? undefined : (JSON.parse(text) as unknown)

/** A task taken by the pull API, until it is answered or put back. */
interface Pulled {
  readonly owner: string
  readonly task: QueuedTask
}

/** FIFO tasks handed to subscribers on a later turn of the event loop. */
export class LocalTaskQueue {
  private readonly waiting: QueuedTask[] = []
  private readonly entries = new Map<string, Entry>()
  private readonly pulled = new Set<Pulled>()
  private dispatchScheduled = false
  /** Where the round-robin over subscribers starts next time. */
  private turn = 0

  /** Queues a task; it is handed out on a later turn. */
  enqueue(task: QueuedTask): void {
    this.waiting.push(task)
    this.scheduleDispatch()
  }

  subscribe(subscriber: LocalTaskSubscriber): void {
    this.entries.set(subscriber.id, { subscriber, holdings: new Set(), used: 0 })
    this.scheduleDispatch()
  }

  /** No new tasks for this subscriber; those it holds run to the end. */
  unsubscribe(id: string): void {
    this.entries.delete(id)
  }

  /**
   * Takes the task at the head of the queue for `owner` (the pull API), or `undefined` when
   * none waits. Its answer is copied through JSON within `maxMessageBytes`.
   */
  take(owner: string, maxMessageBytes: number): TakenTask | undefined {
    const task = this.waiting.shift()
    if (task === undefined) return undefined
    const pull: Pulled = { owner, task }
    this.pulled.add(pull)
    // Answered or put back once only; after its owner closed, neither (it is back already).
    const release = () => this.pulled.delete(pull)
    return {
      body: parse(task.text),
      redelivered: task.redelivered,
      awaited: task.settle !== undefined,
      answer: async (outcome) => {
        if (release()) task.settle?.(copyOutcome(outcome, maxMessageBytes))
      },
      requeue: async () => {
        if (!release()) return
        task.redelivered = true
        this.waiting.unshift(task)
        this.scheduleDispatch()
      },
    }
  }

  /**
   * Unsubscribes every subscriber of `owner` and puts back the tasks they hold unacknowledged
   * (and those it took and has not answered), as the broker does when a worker's connection
   * drops.
   */
  releaseOwner(owner: string): void {
    for (const [id, entry] of this.entries) {
      if (entry.subscriber.owner !== owner) continue
      this.entries.delete(id)
      const back = [...entry.holdings].filter((holding) => !holding.acked)
      for (const holding of entry.holdings) holding.abandoned = true
      for (const holding of back) holding.task.redelivered = true
      this.waiting.unshift(...back.map((holding) => holding.task))
    }
    for (const pull of [...this.pulled]) {
      if (pull.owner !== owner) continue
      this.pulled.delete(pull)
      pull.task.redelivered = true
      this.waiting.unshift(pull.task)
    }
    this.scheduleDispatch()
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return
    this.dispatchScheduled = true
    setImmediate(() => {
      this.dispatchScheduled = false
      this.dispatch()
    })
  }

  private dispatch(): void {
    const kept: QueuedTask[] = []
    for (const task of this.waiting.splice(0)) {
      const entry = this.freeSubscriberFor(task)
      if (entry !== undefined) this.hand(task, entry)
      else if (task.ifNobodyTakesIt !== undefined && this.everyoneRejected(task))
        task.settle?.(task.ifNobodyTakesIt)
      else kept.push(task)
    }
    this.waiting.unshift(...kept)
  }

  /** Whether there are subscribers and each has rejected `task`. */
  private everyoneRejected(task: QueuedTask): boolean {
    if (this.entries.size === 0) return false
    for (const id of this.entries.keys()) if (!task.rejectedBy.has(id)) return false
    return true
  }

  private freeSubscriberFor(task: QueuedTask): Entry | undefined {
    const entries = [...this.entries.values()]
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[(this.turn + i) % entries.length]
      if (entry === undefined) continue
      if (entry.used < entry.subscriber.slots && !task.rejectedBy.has(entry.subscriber.id)) {
        this.turn = (this.turn + i + 1) % entries.length
        return entry
      }
    }
    return undefined
  }

  private hand(task: QueuedTask, entry: Entry): void {
    const holding: Holding = { task, acked: false, abandoned: false, passedOn: false }
    entry.holdings.add(holding)
    entry.used += 1
    let slotHeld = true
    const freeSlot = () => {
      if (!slotHeld) return
      slotHeld = false
      entry.used -= 1
      this.scheduleDispatch()
    }
    const ack = () => {
      if (holding.abandoned) return
      holding.acked = true
      freeSlot()
    }
    const delivery = {
      redelivered: task.redelivered,
      ack,
      passOn: async (next: unknown) => {
        if (holding.abandoned || holding.passedOn) return
        holding.passedOn = true
        ack()
        this.enqueue({
          text: JSON.stringify(next),
          redelivered: false,
          rejectedBy: new Set(),
          settle: task.settle,
        })
      },
    }
    void runHandler(() => entry.subscriber.handler(parse(task.text), delivery)).then((result) => {
      entry.holdings.delete(holding)
      if (holding.abandoned || holding.passedOn) return
      freeSlot()
      if (result._tag !== 'Rejected')
        task.settle?.(copyOutcome(result, entry.subscriber.maxMessageBytes))
      else if (holding.acked) {
        task.settle?.(failed(new TaskRejected('task rejected after it was acknowledged')))
      } else {
        task.rejectedBy.add(entry.subscriber.id)
        if (result.ifNobodyTakesIt !== undefined)
          task.ifNobodyTakesIt = { _tag: 'Failed', error: result.ifNobodyTakesIt }
        task.redelivered = true
        this.waiting.unshift(task)
        this.scheduleDispatch()
      }
    })
  }
}
