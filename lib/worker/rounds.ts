/**
 * Periodic rounds of a worker's background work (recovery, due timers): one round at a time,
 * the next `everyMs` after the previous one ended, so a slow store never piles rounds up.
 */
export abstract class Rounds {
  private timer: NodeJS.Timeout | undefined
  private current: Promise<void> | undefined

  constructor(private readonly everyMs: number) {}

  /** One round's work. It must not reject: it reports its own failures. */
  protected abstract round(): Promise<void>

  /** Runs a round now, and then every `everyMs`. */
  start(): void {
    const tick = () => {
      void this.runRound().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.everyMs).unref()
      })
    }
    this.timer = setTimeout(tick, 0).unref()
  }

  /**
   * No more rounds; resolves once the current one has ended (not once the processes it
   * continued end).
   */
  async stop(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    await this.current
  }

  /** Runs a round now, or joins the one under way. */
  runRound(): Promise<void> {
    this.current ??= this.round().finally(() => (this.current = undefined))
    return this.current
  }
}
