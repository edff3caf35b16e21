/**
 * Sends waiting for their answer, by correlation id: the sender's half of tasks and RPC, shared
 * by both communicators.
 */
import { settleOutcome, type Outcome } from './outcome.js'

interface Waiter {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

/** Answers awaited by correlation id. */
export class PendingAnswers {
  private readonly waiting = new Map<string, Waiter>()

  /** How many answers are awaited. */
  get size(): number {
    return this.waiting.size
  }

  /**
   * A promise for the answer to `correlationId`. It may be failed (connection lost, closed)
   * before the sender gets to await it: that is not an unhandled rejection.
   */
  expect(correlationId: string): Promise<unknown> {
    const answer = new Promise((resolve, reject) => {
      this.waiting.set(correlationId, { resolve, reject })
    })
    answer.catch(() => undefined)
    return answer
  }

  /** Settles the send with an outcome; false when nobody waits for it (late or unknown). */
  settle(correlationId: string, outcome: Outcome): boolean {
    const waiter = this.take(correlationId)
    if (waiter === undefined) return false
    try {
      waiter.resolve(settleOutcome(outcome))
    } catch (error) {
      waiter.reject(error)
    }
    return true
  }

  /** Fails one send (its message could not be sent). */
  fail(correlationId: string, error: unknown): void {
    this.take(correlationId)?.reject(error)
  }

  /** Fails every send, e.g. when the communicator closes or the connection drops. */
  failAll(error: () => unknown): void {
    const waiters = [...this.waiting.values()]
    this.waiting.clear()
    for (const waiter of waiters) waiter.reject(error())
  }

  private take(correlationId: string): Waiter | undefined {
    const waiter = this.waiting.get(correlationId)
    this.waiting.delete(correlationId)
    return waiter
  }
}
