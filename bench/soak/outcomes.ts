/**
 * What became of each root: finished, ended otherwise, lost (not ended in the store, or waited
 * for and never answered), or finished with outputs other than its definition promises.
 */
import { outputsProblem } from './definitions.js'
import type { StoredRoot } from './history.js'
import type { LoadTally } from './load.js'
import type { Root } from './options.js'

const TERMINAL = ['FINISHED', 'EXCEPTED', 'KILLED']

/** The roots sorted by outcome. */
export interface RootOutcomes {
  readonly finished: readonly Root[]
  /** Ended EXCEPTED or KILLED, by pid with the state. */
  readonly endedBadly: ReadonlyMap<string, string>
  readonly lost: readonly string[]
  /** FINISHED with stored outputs other than expected: pid and what is wrong. */
  readonly wrongOutputs: readonly string[]
}

/** Sorts `roots` by what the store holds of them and how their launches went. */
export const outcomesOf = (options: {
  readonly roots: readonly Root[]
  readonly stored: ReadonlyMap<string, StoredRoot>
  readonly launches: LoadTally
  readonly rounds: number
}): RootOutcomes => {
  const { roots, stored, launches } = options
  const stateOf = (pid: string) => stored.get(pid)?.state ?? 'not stored'
  const finished = roots.filter((root) => stateOf(root.pid) === 'FINISHED')
  const unanswered = (root: Root) =>
    root.waited && (launches.pending.has(root.pid) || launches.failed.has(root.pid))
  return {
    finished,
    endedBadly: new Map(
      roots
        .filter((root) => TERMINAL.includes(stateOf(root.pid)) && stateOf(root.pid) !== 'FINISHED')
        .map((root) => [root.pid, stateOf(root.pid)]),
    ),
    lost: roots
      .filter((root) => !TERMINAL.includes(stateOf(root.pid)) || unanswered(root))
      .map((root) => root.pid),
    wrongOutputs: finished.flatMap((root) => {
      const problem = outputsProblem(root, options.rounds, stored.get(root.pid)?.outputs)
      return problem === undefined ? [] : [`${root.pid}: ${problem}`]
    }),
  }
}
