/**
 * The soak run's client: launches the planned roots through a `RemoteProcessController`, half of
 * them waited for (the outputs come back through the broker) and half `nowait` (the pid comes
 * back once the process is stored), keeping at most `window` roots launched and not yet ended,
 * so the work flows for the whole run instead of piling up in the queue at the start.
 */
import { RemoteProcessController } from '../../lib/comms/controller.js'
import type { Communicator } from '../../lib/comms/communicator.js'
import type { Logger } from '../../lib/runtime/environment.js'
import { outputsProblem, SoakChain, SoakWork } from './definitions.js'
import type { Root } from './options.js'

/** A broker restart on a loaded machine can take a while: re-send launches for this long. */
const RESEND_WINDOW_MS = 300_000

/** How the launches went. */
export interface LoadTally {
  /** Roots whose launch was sent. */
  readonly launched: number
  /** Launches answered as expected: the outputs (waited), the pid (`nowait`). */
  readonly answered: number
  /** Launches that rejected, by pid, with the error. */
  readonly failed: ReadonlyMap<string, string>
  /** Launches answered otherwise, by pid. */
  readonly wrong: ReadonlyMap<string, string>
  /** Roots whose launch was sent and has not settled yet. */
  readonly pending: ReadonlySet<string>
}

/** The launcher of one soak run. */
export class Load {
  private readonly controller: RemoteProcessController
  private launched = 0
  private answered = 0
  private readonly failed = new Map<string, string>()
  private readonly wrong = new Map<string, string>()
  private readonly pending = new Set<string>()
  /** Re-sends after a broker restart, told once each. */
  resent = 0
  private stopped = false

  constructor(
    communicator: Communicator,
    private readonly roots: readonly Root[],
    private readonly options: { readonly window: number; readonly rounds: number },
  ) {
    const logger: Logger = {
      info: () => undefined,
      warn: () => (this.resent += 1),
      error: (message) => console.error(`[soak] ${message}`),
    }
    this.controller = new RemoteProcessController(communicator, {
      resendWindowMs: RESEND_WINDOW_MS,
      logger,
    })
  }

  /** The launches so far. */
  tally(): LoadTally {
    return {
      launched: this.launched,
      answered: this.answered,
      failed: this.failed,
      wrong: this.wrong,
      pending: this.pending,
    }
  }

  /** Every root has been launched. */
  get everyRootLaunched(): boolean {
    return this.launched === this.roots.length
  }

  /**
   * Launches every root, never more than `window` ahead of `ended()` (roots ended, as the store
   * says), and the last `reserve()` roots only once `reserve()` allows; resolves once the last
   * launch is sent (not answered: see {@link settled}).
   */
  async run(ended: () => number, reserve: () => number): Promise<void> {
    while (!this.stopped && this.launched < this.roots.length) {
      const room = Math.min(
        this.options.window - (this.launched - ended()),
        this.roots.length - reserve() - this.launched,
      )
      for (let i = 0; i < room; i++) this.launch(this.roots[this.launched++] as Root)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Launches no more roots: {@link run} resolves with the rest never launched. */
  stop(): void {
    this.stopped = true
  }

  /** Resolves once every launch sent has settled, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.pending.size > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200))
  }

  private launch(root: Root): void {
    const options = { pid: root.pid, nowait: !root.waited }
    this.pending.add(root.pid)
    void (
      root.kind === 'Work'
        ? this.controller.launchProcess(SoakWork, { index: root.index }, options)
        : this.controller.launchProcess(SoakChain, { rounds: this.options.rounds }, options)
    )
      .then(
        (answer) => this.check(root, answer),
        (error: unknown) =>
          void this.failed.set(root.pid, error instanceof Error ? error.message : String(error)),
      )
      .finally(() => this.pending.delete(root.pid))
  }

  private check(root: Root, answer: unknown): void {
    const problem = root.waited
      ? outputsProblem(root, this.options.rounds, answer)
      : answer === root.pid
        ? undefined
        : `answered ${JSON.stringify(answer)}, not its pid`
    if (problem === undefined) this.answered += 1
    else this.wrong.set(root.pid, problem)
  }
}
