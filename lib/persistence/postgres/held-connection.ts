/**
 * One pooled connection kept checked out while it is used again and again, for the writes of
 * group commit (see `group-commit.ts`). A strict process waits for each checkpoint's commit
 * before its next step, so its saves come one after another; checking a connection out of the
 * pool and back in for each (`pool.query`) cost about a quarter of the client's CPU per save
 * (the pool's queue, an idle timer set and cleared, error listeners added and removed). Here the
 * connection stays out for as long as the next use comes in the same turn of the event loop, and
 * goes back to the pool at the end of the first turn without one, so that the pool's `end()`
 * waits at most that long for it.
 *
 * While it is held, its errors are heard (an unheard `error` event of a checked-out connection
 * that the server drops ends the program), and a connection that broke is destroyed instead of
 * going back to the pool. One use at a time: the group commit's writes follow each other.
 */
import type pg from 'pg'

interface Held {
  readonly client: pg.PoolClient
  broken: Error | undefined
  readonly onError: (error: Error) => void
}

/** A pooled connection held across consecutive uses (see the module comment). */
export class HeldConnection {
  private held: Held | undefined
  private busy = false
  private releaseScheduled = false

  constructor(private readonly pool: pg.Pool) {}

  /** Run `use` on the held connection, checked out of the pool first when none is held. */
  async run<T>(use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('HeldConnection.run: the connection is already in use')
    this.busy = true
    try {
      this.held ??= await this.checkOut()
      return await use(this.held.client)
    } finally {
      this.busy = false
      if (this.held?.broken !== undefined) this.release()
      else this.releaseWhenIdle()
    }
  }

  /** Whether the held connection broke during the current use (it is then not reused). */
  get broken(): boolean {
    return this.held?.broken !== undefined
  }

  /** The connection cannot be used again (`reason`): it is destroyed after the current use. */
  discard(reason: unknown): void {
    if (this.held !== undefined)
      this.held.broken ??= reason instanceof Error ? reason : new Error(String(reason))
  }

  /** Give the connection back to the pool now, unless a use is under way (it then goes after). */
  close(): void {
    if (!this.busy) this.release()
  }

  private async checkOut(): Promise<Held> {
    const client = await this.pool.connect()
    const held: Held = {
      client,
      broken: undefined,
      onError: (error) => {
        held.broken ??= error
      },
    }
    client.on('error', held.onError)
    return held
  }

  /** At the end of this turn of the event loop, release the connection if nobody uses it. */
  private releaseWhenIdle(): void {
    if (this.releaseScheduled) return
    this.releaseScheduled = true
    setImmediate(() => {
      this.releaseScheduled = false
      if (!this.busy) this.release()
    })
  }

  private release(): void {
    const held = this.held
    if (held === undefined) return
    this.held = undefined
    held.client.removeListener('error', held.onError)
    held.client.release(held.broken)
  }
}
