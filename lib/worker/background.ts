/**
 * A worker's background rounds: recovery of processes that no live worker holds (`recovery.ts`)
 * and the claiming of due timers from the store's deadline index (`due-timers.ts`), built from
 * the worker's options. Kept apart from the worker so that its options are checked in one place.
 */
import type { DefinitionRegistry } from '../checkpoint/registry.js'
import type { ProcessLauncher } from '../comms/launcher.js'
import type { Persister } from '../persistence/persister.js'
import { DueTimers, dueClaimer } from './due-timers.js'
import type { Ownership } from './ownership.js'
import { Recovery, type OrphanFinder } from './recovery.js'

/** What the rounds are built from: the worker's options and a view of its state. */
export interface BackgroundOptions {
  readonly ownership: Ownership
  readonly store: Persister
  readonly registry: DefinitionRegistry
  readonly launcher: ProcessLauncher
  /** Recovery's period (ms; default 30,000; 0: no recovery). */
  readonly recoverEveryMs: number | undefined
  /** Due timers' period (ms; default 500; 0: not polled). */
  readonly timerPollMs: number | undefined
  readonly pruneAfterMs: number | undefined
  readonly orphans: OrphanFinder | undefined
  /** Now, by the runner's clock (ms since the epoch). */
  readonly now: () => number
  /** How many more processes the worker may take now. */
  readonly room: () => number
  /** Whether the worker still takes work. */
  readonly accepting: () => boolean
  /** Whether `pid` runs in this worker already. */
  readonly runsHere: (pid: string) => boolean
  readonly say: (text: string) => void
}

/** The rounds a worker runs; each is absent when switched off (or, for timers, unsupported). */
export interface Background {
  readonly recovery: Recovery | undefined
  readonly dueTimers: DueTimers | undefined
}

/** Builds the rounds (not started). Throws a `RangeError` naming a bad `timerPollMs`. */
export const backgroundRounds = (options: BackgroundOptions): Background => ({
  recovery: recoveryRounds(options),
  dueTimers: dueTimerRounds(options),
})

const recoveryRounds = (options: BackgroundOptions): Recovery | undefined => {
  const everyMs = options.recoverEveryMs ?? 30_000
  if (everyMs === 0) return undefined
  return new Recovery({
    ownership: options.ownership,
    persister: options.store,
    registry: options.registry,
    launcher: options.launcher,
    room: options.room,
    accepting: options.accepting,
    say: options.say,
    everyMs,
    pruneAfterMs: options.pruneAfterMs ?? 600_000,
    ...(options.orphans === undefined ? {} : { orphans: options.orphans }),
  })
}

/** Rounds that continue due sleepers nobody holds, if the store keeps a deadline index. */
const dueTimerRounds = (options: BackgroundOptions): DueTimers | undefined => {
  const everyMs = options.timerPollMs ?? 500
  if (!Number.isInteger(everyMs) || everyMs < 0)
    throw new RangeError(`timerPollMs must be a whole number of ms >= 0, got ${everyMs}`)
  const claim = dueClaimer({
    ownership: options.ownership,
    store: options.store,
    // A claim of the store's own index outlives a dead claimant this long.
    holdMs: Math.max(10 * everyMs, 5_000),
  })
  if (everyMs === 0 || claim === undefined) return undefined
  return new DueTimers({
    claim,
    launcher: options.launcher,
    now: options.now,
    room: options.room,
    accepting: options.accepting,
    runsHere: options.runsHere,
    say: options.say,
    everyMs,
  })
}
