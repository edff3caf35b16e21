/**
 * "Run twice past a checkpoint", counted from what the steps recorded (each execution, with the
 * worker's wall clock when it ran, see examples/scaling/definitions.ts) and what the database
 * committed (the first commit that holds each step's effect, on the server's clock: see
 * `firstCommitPast`). Both clocks are this machine's.
 *
 * A step may run again after a crash when its effect was never committed: that is allowed, and
 * counted apart. It has run twice past a checkpoint when an execution other than its first
 * started after a checkpoint holding its effect had committed. The comparison leans towards
 * counting: a step's time has whole milliseconds, so an execution in the same millisecond as
 * the commit counts as after it.
 */
import type { Execution } from '../../spec/worker/harness.js'
import type { Root } from './options.js'

/** What the executions say. */
export interface Repeats {
  /** Executions recorded in all. */
  readonly executions: number
  /** Executions other than the first of their step. */
  readonly ranAgain: number
  /** Of those, the ones that started after a checkpoint past their step had committed. */
  readonly pastCheckpoint: readonly Execution[]
  /** Steps that every ended root must have run and that no execution records. */
  readonly missing: readonly string[]
}

const keyOf = (e: Pick<Execution, 'pipeline' | 'step' | 'index'>) =>
  `${e.pipeline} ${e.step} ${e.index}`

/** The steps a root ran, if it ran to its end, as the steps record themselves. */
const stepsOf = (root: Root, rounds: number): string[] =>
  root.kind === 'Work'
    ? [`${root.pid} work ${root.index}`]
    : Array.from({ length: rounds }, (_, k) => [
        `${root.pid} work ${k}`,
        `${root.pid} collect ${k}`,
      ]).flat()

/** Counts the repeats among `executions`, given when each step's effect was first committed. */
export const countRepeats = (options: {
  readonly executions: readonly Execution[]
  readonly firstCommitPast: ReadonlyMap<string, number>
  /** Roots that ended FINISHED: each of their steps must have run. */
  readonly finished: readonly Root[]
  readonly rounds: number
}): Repeats => {
  const byStep = new Map<string, Execution[]>()
  for (const e of options.executions) {
    const runs = byStep.get(keyOf(e)) ?? []
    runs.push(e)
    byStep.set(keyOf(e), runs)
  }
  let ranAgain = 0
  const pastCheckpoint: Execution[] = []
  for (const [key, runs] of byStep) {
    if (runs.length < 2) continue
    const committed = options.firstCommitPast.get(key)
    const later = [...runs].sort((a, b) => a.at - b.at).slice(1)
    ranAgain += later.length
    if (committed === undefined) continue
    for (const run of later) if (run.at >= Math.floor(committed)) pastCheckpoint.push(run)
  }
  const missing = options.finished
    .flatMap((root) => stepsOf(root, options.rounds))
    .filter((key) => !byStep.has(key))
  return { executions: options.executions.length, ranAgain, pastCheckpoint, missing }
}
