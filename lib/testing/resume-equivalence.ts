/**
 * Resume equivalence: for a definition and inputs, take a checkpoint at every transition (and at
 * every pause and play), reload each one in a fresh runner, run it to the end, and compare the
 * outputs, result and final state with those of the uninterrupted run. This is DESIGN.md's second invariant as a helper you can
 * run over your own workflows.
 */
import { bundle, type Bundle } from '../checkpoint/bundle.js'
import { DefinitionRegistry } from '../checkpoint/registry.js'
import { InMemoryPersister } from '../persistence/memory.js'
import type { ProcessDefinition } from '../process/definition.js'
import type { ProcessHandle } from '../runtime/handle.js'
import { loadProcess } from '../runtime/load.js'
import { Runner, type RunnerPlugin } from '../runtime/runner.js'
import { silentLogger, type Scheduler } from '../runtime/environment.js'
import { NondeterminismError, type Divergence } from '../step/errors.js'
import { TestClock } from './test-clock.js'

/** How to drive the runs. */
export interface EquivalenceOptions {
  /** Definitions of the children the workflow launches (needed to reload them). */
  readonly children?: readonly ProcessDefinition[]
  /** The value to resume a process waiting for `resume` with (default: undefined). */
  readonly resumeWith?: (process: ProcessHandle) => unknown
  /**
   * Where the runs' clocks start (ms since the epoch, default 0). Each run has a `TestClock`
   * that skips to the next timer whenever a process waits on one; a reloaded run starts at the
   * instant its checkpoint was taken.
   */
  readonly start?: number
}

/** What a run ended with, in comparable form. */
export interface Outcome {
  readonly state: string
  readonly successful: boolean
  readonly exitStatus: number | undefined
  readonly outputs: unknown
  readonly result: unknown
}

/** The verdict for one checkpoint (`paused`: the checkpoint was taken while paused). */
export type CheckpointVerdict = {
  readonly index: number
  readonly state: string
  readonly paused: boolean
} & (
  | { readonly verdict: 'equivalent' }
  | { readonly verdict: 'skipped'; readonly reason: string }
  | { readonly verdict: 'different'; readonly outcome: Outcome }
  /** A generator step replayed from the checkpoint's journal asked for something else. */
  | {
      readonly verdict: 'nondeterministic'
      readonly divergence: Divergence
      readonly message: string
    }
)

/** The report: the reference outcome and one verdict per checkpoint of the process. */
export interface EquivalenceReport {
  readonly reference: Outcome
  readonly verdicts: readonly CheckpointVerdict[]
  /** True when no checkpoint resumed to a different outcome or replayed another way. */
  readonly equivalent: boolean
}

/** Check that resuming from every checkpoint gives the uninterrupted run's outcome. */
export const checkResumeEquivalence = async (
  definition: ProcessDefinition,
  inputs: unknown = {},
  options: EquivalenceOptions = {},
): Promise<EquivalenceReport> => {
  const registry = DefinitionRegistry.of(definition, ...(options.children ?? []))
  const timeline: Bundle[] = []
  const takenAt: number[] = []
  const clock = new TestClock(options.start ?? 0)
  // Every transition, pausing and playing included: a paused process must reload paused.
  const record = (process: ProcessHandle) => {
    timeline.push(bundle(process))
    takenAt.push(clock.now())
  }
  const recorder: RunnerPlugin = { stateChanged: record, pausedChanged: record }
  const time = idleTime(clock)
  const reference = new Runner({
    logger: silentLogger,
    clock,
    scheduler: time.scheduler,
    plugins: [recorder, driver(options, time)],
  })
  const root = reference.create(definition, inputs)
  await root.stepUntilTerminated()
  const expected = outcomeOf(root)

  const verdicts: CheckpointVerdict[] = []
  for (let index = 0; index < timeline.length; index++) {
    const checkpoint = timeline[index] as Bundle
    if (checkpoint.pid !== root.pid) continue
    const state = checkpoint.snapshot.state._tag
    const paused = checkpoint.snapshot.paused
    const latest = latestBefore(timeline, index)
    const lost = awaitsPromise(latest)
    if (lost !== undefined) {
      verdicts.push({ index, state, paused, verdict: 'skipped', reason: lost })
      continue
    }
    const persister = new InMemoryPersister()
    for (const b of latest.values()) await persister.saveCheckpoint(b)
    const resumedClock = new TestClock(takenAt[index])
    const resumedTime = idleTime(resumedClock)
    const runner = new Runner({
      logger: silentLogger,
      clock: resumedClock,
      scheduler: resumedTime.scheduler,
      plugins: [driver(options, resumedTime)],
    })
    const process = await loadProcess(runner, persister, registry, root.pid)
    if (process.paused) process.play()
    if (waitsForResume(process)) process.resume(options.resumeWith?.(process))
    await process.stepUntilTerminated()
    const outcome = outcomeOf(process)
    const error = process.exception()
    verdicts.push(
      error instanceof NondeterminismError
        ? {
            index,
            state,
            paused,
            verdict: 'nondeterministic',
            divergence: error.divergence,
            message: error.message,
          }
        : same(outcome, expected)
          ? { index, state, paused, verdict: 'equivalent' }
          : { index, state, paused, verdict: 'different', outcome },
    )
  }
  return {
    reference: expected,
    verdicts,
    equivalent: verdicts.every((v) => v.verdict === 'equivalent' || v.verdict === 'skipped'),
  }
}

/**
 * Plays paused processes, resumes those waiting for `resume`, and skips the clock to the next
 * timer of a waiting process, each on a later turn.
 */
const driver = (options: EquivalenceOptions, time: IdleTime): RunnerPlugin => ({
  created: (process) => {
    process.addProcessListener({
      onProcessPaused: (p) => process.host.schedule(() => void p.play()),
    })
    // A process reloaded waiting arms its timers again without changing state.
    if (process.state === 'WAITING') time.poke()
  },
  stateChanged: (process, _from, to) => {
    if (to === 'WAITING' && waitsForResume(process))
      process.host.schedule(() => {
        if (waitsForResume(process)) process.resume(options.resumeWith?.(process))
      })
    if (to === 'WAITING') time.poke()
  },
})

/** A scheduler that knows when the runner is idle, and moves the clock only then. */
interface IdleTime {
  readonly scheduler: Scheduler
  /** Look again for a timer to fire once the runner is idle. */
  poke(): void
}

/**
 * Time that moves only when nothing else can: once no scheduled callback is left, the clock
 * skips to the earliest timer and fires it (and what that sets going runs before the next).
 * A race between a child and a timer then ends as their deadlines say, in every run.
 */
const idleTime = (clock: TestClock): IdleTime => {
  let pending = 0
  const scheduler: Scheduler = (callback) => {
    pending += 1
    setImmediate(() => {
      pending -= 1
      try {
        callback()
      } finally {
        if (pending === 0) {
          const next = clock.nextDeadline
          if (next !== undefined) clock.advanceTo(Math.max(next, clock.now()))
        }
      }
    })
  }
  return { scheduler, poke: () => scheduler(() => {}) }
}

const waitsForResume = (process: ProcessHandle): boolean => {
  const state = process.snapshot.state
  return state._tag === 'WAITING' && state.awaiting.length === 0
}

/** The latest checkpoint of every process up to and including `index`. */
const latestBefore = (timeline: readonly Bundle[], index: number): Map<string, Bundle> => {
  const latest = new Map<string, Bundle>()
  for (const b of timeline.slice(0, index + 1)) latest.set(b.pid, b)
  return latest
}

const awaitsPromise = (bundles: Map<string, Bundle>): string | undefined => {
  for (const b of bundles.values()) {
    const state = b.snapshot.state
    if (state._tag === 'WAITING' && state.awaiting.some((p) => !p.done && p.ref._tag === 'Promise'))
      return `${b.pid} awaits a promise, which does not survive a restart`
  }
  return undefined
}

const outcomeOf = (process: ProcessHandle): Outcome => {
  const state = process.snapshot.state
  return {
    state: state._tag,
    successful: process.isSuccessful,
    exitStatus: process.exitStatus,
    outputs: process.outputs,
    result:
      state._tag === 'FINISHED'
        ? state.result
        : state._tag === 'EXCEPTED'
          ? state.error.message
          : state._tag === 'KILLED'
            ? state.message
            : undefined,
  }
}

const same = (a: Outcome, b: Outcome): boolean => JSON.stringify(a) === JSON.stringify(b)
