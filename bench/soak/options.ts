/**
 * The soak run's command line (`npm run soak -- --processes 5000`), and the plan it makes of it:
 * which root processes to launch, of which definition, waited for or not.
 */
import { parseArgs } from 'node:util'

/** What one soak run does. */
export interface SoakOptions {
  /** Processes to run in all, roots and children counted. */
  readonly processes: number
  /** Rounds of each `SoakChain` (each round launches one `SoakWork` child). */
  readonly rounds: number
  /** `--slots` of each worker. */
  readonly slots: number
  /**
   * Roots launched and not yet ended, at most (the launcher waits below it). Default: an eighth
   * of the roots, between 16 and 400, so that a short run is still under way when it is
   * disrupted.
   */
  readonly window: number
  /** How long the database stays down. */
  readonly outageMs: number
  /** After the last launch and the last disruption, how long to wait for the rest to end. */
  readonly graceMs: number
  /** A run whose finished count does not move for this long gives up (ms). */
  readonly stallMs: number
  /** How often a progress line is printed (ms). */
  readonly progressEveryMs: number
  /** PostgreSQL with its durable defaults (fsync on) instead of the test settings. */
  readonly durable: boolean
  /** Keep the run's directory (worker logs, executions) instead of removing it. */
  readonly keep: boolean
}

const USAGE = `usage: npm run soak -- [--processes N] [--rounds R] [--slots S] [--window W]
                       [--outage-s S] [--grace-s S] [--stall-s S] [--progress-s S] [--durable] [--keep]`

/** Reads the options from `argv`; throws an error naming the flag and the rule. */
export const parseSoakOptions = (argv: readonly string[]): SoakOptions => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      processes: { type: 'string', default: '100000' },
      rounds: { type: 'string', default: '3' },
      slots: { type: 'string', default: '50' },
      window: { type: 'string' },
      'outage-s': { type: 'string', default: '8' },
      'grace-s': { type: 'string', default: '600' },
      'stall-s': { type: 'string', default: '300' },
      'progress-s': { type: 'string', default: '5' },
      durable: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const whole = (flag: string, text: string, least: number): number => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < least)
      throw new Error(`--${flag}: '${text}' is not a whole number of at least ${least}\n${USAGE}`)
    return value
  }
  const rounds = whole('rounds', values.rounds, 1)
  // The smallest run still holds one root of each kind in each mode (see `planRoots`).
  const processes = whole('processes', values.processes, 4 + 2 * rounds)
  const roots = planRoots({ processes, rounds }).length
  return {
    processes,
    rounds,
    slots: whole('slots', values.slots, 1),
    window:
      values.window === undefined
        ? Math.min(400, Math.max(16, Math.round(roots / 8)))
        : whole('window', values.window, 1),
    outageMs: whole('outage-s', values['outage-s'], 0) * 1000,
    graceMs: whole('grace-s', values['grace-s'], 1) * 1000,
    stallMs: whole('stall-s', values['stall-s'], 1) * 1000,
    progressEveryMs: whole('progress-s', values['progress-s'], 1) * 1000,
    durable: values.durable,
    keep: values.keep,
  }
}

/** One root process to launch. */
export interface Root {
  readonly pid: string
  readonly kind: 'Work' | 'Chain'
  /** Waited for (`launchProcess` resolves to the outputs) or `nowait` (to the pid). */
  readonly waited: boolean
  /** `SoakWork`'s `index` input (its output is the square); unused by chains. */
  readonly index: number
}

/**
 * The roots, in launch order: a repeating cycle of a waited `SoakWork`, a waited `SoakChain`, a
 * nowait `SoakWork` and a nowait `SoakChain`, until the processes (a chain counts its `rounds`
 * children too) reach `processes`; the last few are `SoakWork` to make the count exact.
 */
export const planRoots = (options: Pick<SoakOptions, 'processes' | 'rounds'>): Root[] => {
  const roots: Root[] = []
  const chainSize = 1 + options.rounds
  let processes = 0
  for (let i = 0; processes < options.processes; i++) {
    const phase = i % 4
    const fits = processes + chainSize <= options.processes
    const kind = phase % 2 === 1 && fits ? 'Chain' : 'Work'
    roots.push({
      pid: `soak-${kind === 'Work' ? 'w' : 'c'}-${i}`,
      kind,
      waited: phase < 2,
      index: i % 1000,
    })
    processes += kind === 'Work' ? 1 : chainSize
  }
  return roots
}
