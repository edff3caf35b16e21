/**
 * Due timers: a worker continues the processes whose timers fall due while no live worker holds
 * them (their worker died while they slept), so that a sleep outlives the worker it began on
 * without anyone running `plumpy-ts revive`.
 *
 * The store keeps an index of the earliest timer deadline of every waiting root process (see
 * `lib/persistence/deadlines.ts`). Every `everyMs` a worker claims, from that index, up to its
 * free slots of processes due by its runner's clock that no live worker holds, and continues
 * each the way a `continue` task would; the reloaded process fires its past-due timer at once.
 * The claim is atomic (PostgreSQL: claim rows held by the worker's lease, whose condition is
 * checked again under the row's lock; SQLite: a conditional UPDATE of the index row), so two
 * workers never both run one.
 * A process whose worker is alive is not claimed: that worker fires its timer itself.
 */
import { TaskRejected } from '../comms/errors.js'
import type { ProcessLauncher } from '../comms/launcher.js'
import { ProcessRunningElsewhereError } from '../comms/launcher.js'
import { hasClaimableDeadlines } from '../persistence/deadlines.js'
import type { Ownership } from './ownership.js'
import { Rounds } from './rounds.js'

/** Claims up to `limit` processes due at `now`: the pids won. */
export type DueClaimer = (now: number, limit: number) => Promise<string[]>

/**
 * How a worker claims due processes: through its ownership's claim rows when it has them
 * (PostgreSQL), otherwise through the store's own index; undefined when neither can.
 */
export const dueClaimer = (options: {
  readonly ownership: Ownership
  readonly store: object
  /** How long a store-index claim keeps other workers off if this one dies. */
  readonly holdMs: number
}): DueClaimer | undefined => {
  const { ownership, store, holdMs } = options
  if (ownership.claimDue !== undefined) return (now, limit) => ownership.claimDue!(now, limit)
  if (!hasClaimableDeadlines(store)) return undefined
  return async (now, limit) => {
    const due = await store.claimDue({ now, limit, claimant: ownership.name, holdMs })
    return due.map((entry) => entry.pid)
  }
}

/** What the rounds need. */
export interface DueTimersOptions {
  readonly claim: DueClaimer
  readonly launcher: ProcessLauncher
  /** Now, by the runner's clock (ms since the epoch). */
  readonly now: () => number
  /** How many more processes this worker may take now. */
  readonly room: () => number
  /** Whether the worker still takes work. */
  readonly accepting: () => boolean
  /** Whether `pid` runs here already (its timer is armed here). */
  readonly runsHere: (pid: string) => boolean
  readonly say: (text: string) => void
  /** Time between rounds (ms). */
  readonly everyMs: number
}

/** Rounds of claiming due processes, from `start()` until `stop()`. */
export class DueTimers extends Rounds {
  constructor(private readonly options: DueTimersOptions) {
    super(options.everyMs)
  }

  /** One round: claim what is due and nobody holds, and continue it here. */
  protected round(): Promise<void> {
    return this.claimAndContinue()
  }

  private async claimAndContinue(): Promise<void> {
    const { say, launcher } = this.options
    const room = this.options.room()
    if (room <= 0 || !this.options.accepting()) return
    let pids: string[]
    try {
      pids = await this.options.claim(this.options.now(), room)
    } catch (error) {
      say(`could not look for due timers: ${reasonOf(error)}`)
      return
    }
    for (const pid of pids) {
      if (this.options.runsHere(pid)) continue
      say(`${pid} fell due with no live worker: continuing it`)
      void launcher.handle({ task: 'continue', pid }).catch((error: unknown) => {
        if (error instanceof ProcessRunningElsewhereError || error instanceof TaskRejected) return
        say(`${pid} (fell due): ${reasonOf(error)}`)
      })
    }
  }
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)
