/**
 * "Run twice past a checkpoint", counted from what the steps recorded (each execution with an
 * id, in the order they ran, see `definitions.ts`) and what committed checkpoints held (the ids
 * of the executions whose effect they carry, see `prepareCommitHistory`). No clock is compared.
 *
 * A step may run again after a crash when its effect was never committed: that is allowed, and
 * counted apart. It has run twice past a checkpoint when an execution comes after an execution
 * of the same step (same process, step and index) whose id a committed checkpoint held: a worker
 * then ran it from a checkpoint older than one already committed, or two workers ran the process
 * at once. Either breaks the workers' promise.
 */
import { readFileSync } from 'node:fs'
import type { Root } from './options.js'

/** One execution of a step, as the step recorded it. */
export interface Execution {
  readonly id: string
  readonly pid: string
  readonly step: string
  readonly index: number
}

/** The executions recorded in `file`, in the order they ran. */
export const readExecutions = (file: string): Execution[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line, number) => {
      const [id, pid, step, index, more] = line.split(' ')
      if (id === undefined || pid === undefined || step === undefined || more !== undefined)
        throw new Error(`${file}:${number + 1}: '${line}' is not '<id> <pid> <step> <index>'`)
      return { id, pid, step, index: Number(index) }
    })

/** What the executions say. */
export interface Repeats {
  /** Executions recorded in all. */
  readonly executions: number
  /** Executions other than the first of their step. */
  readonly ranAgain: number
  /** Of those, the ones that came after an execution of their step that had been committed. */
  readonly pastCheckpoint: readonly Execution[]
  /** Steps that every finished root must have run and that no execution records. */
  readonly missing: readonly string[]
}

const keyOf = (e: Pick<Execution, 'pid' | 'step' | 'index'>) => `${e.pid} ${e.step} ${e.index}`

/** The steps a finished root ran, as the steps record themselves (its children's apart). */
const stepsOf = (root: Root, rounds: number): string[] =>
  root.kind === 'Work'
    ? [`${root.pid} run ${root.index}`, `${root.pid} report ${root.index}`]
    : [
        ...Array.from({ length: rounds }, (_, k) => `${root.pid} round ${k}`),
        `${root.pid} finish ${rounds}`,
      ]

/** Counts the repeats among `executions`, given the ids that committed checkpoints held. */
export const countRepeats = (options: {
  /** In the order they ran. */
  readonly executions: readonly Execution[]
  readonly committed: ReadonlySet<string>
  /** Roots that ended FINISHED: each of their steps must have run. */
  readonly finished: readonly Root[]
  readonly rounds: number
}): Repeats => {
  const byStep = new Map<string, Execution[]>()
  for (const e of options.executions) {
    const runs = byStep.get(keyOf(e))
    if (runs === undefined) byStep.set(keyOf(e), [e])
    else runs.push(e)
  }
  let ranAgain = 0
  const pastCheckpoint: Execution[] = []
  for (const runs of byStep.values()) {
    ranAgain += runs.length - 1
    const committed = runs.findIndex((run) => options.committed.has(run.id))
    if (committed >= 0) pastCheckpoint.push(...runs.slice(committed + 1))
  }
  const missing = options.finished
    .flatMap((root) => stepsOf(root, options.rounds))
    .filter((key) => !byStep.has(key))
  return { executions: options.executions.length, ranAgain, pastCheckpoint, missing }
}
