/**
 * Runs jobs one after another. Changes to the broker's bindings and consumers go through one
 * queue so that a subscription and a reconnection never interleave (a subscriber added while a
 * session is being built is applied once, after it).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()

  /** Runs `job` after every job queued before it; resolves or rejects as `job` does. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job)
    this.tail = result.catch(() => undefined)
    return result
  }
}
