/**
 * The soak run's closing summary: the figures the run is judged by (finished, lost, run twice
 * past a checkpoint, peak worker RSS, peak advisory locks, wall time, throughput) and what
 * explains them, as a two-column table; and the verdict.
 */
import type { MachineInfo } from '../machine.js'
import { DISRUPTIONS, type Disruption } from './disruptions.js'
import type { StoreTally } from './history.js'
import type { LoadTally } from './load.js'
import type { Repeats } from './repeats.js'
import type { MemoryPeak } from './watch.js'

/** Everything the summary reports. */
export interface SoakFigures {
  readonly processes: number
  readonly roots: number
  /** Stored processes FINISHED. */
  readonly finished: number
  readonly rootsFinished: number
  /** Roots that ended other than FINISHED, by pid with the state. */
  readonly endedBadly: ReadonlyMap<string, string>
  /** Roots not ended in the store, or whose waited launch never answered. */
  readonly lost: readonly string[]
  /** FINISHED roots whose stored outputs are not the expected ones, with what is wrong. */
  readonly wrongOutputs: readonly string[]
  readonly repeats: Repeats
  /** Rounds whose child was launched again past a checkpoint that waited on the first. */
  readonly relaunched: readonly string[]
  readonly memory: ReadonlyMap<string, MemoryPeak>
  readonly peakAdvisoryLocks: number
  /** Advisory locks once every process had ended, workers idle. */
  readonly idleAdvisoryLocks: number
  readonly wallMs: number
  readonly load: LoadTally
  readonly resent: number
  readonly store: StoreTally
  readonly disruptions: readonly Disruption[]
  /** How the workers left at the end exited on SIGTERM. */
  readonly stops: readonly { name: string; code: number | null; signal: string | null }[]
  readonly machine: { readonly atStart: MachineInfo; readonly atEnd: MachineInfo }
  /** Why the run gave up before its disruptions were all done, if it did. */
  readonly stalled?: string
}

const n = (value: number) => value.toLocaleString('en')
const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`
const minutes = (ms: number) => {
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
}
const some = (items: readonly string[]) =>
  items.length === 0 ? '' : ` (${items.slice(0, 5).join(', ')}${items.length > 5 ? ', …' : ''})`

/** The problems that fail the run (empty: it passed). */
export const problemsOf = (f: SoakFigures): string[] => {
  const problems: string[] = f.stalled === undefined ? [] : [`stalled (${f.stalled})`]
  const count = (what: string, value: number) => value > 0 && problems.push(`${what} ${n(value)}`)
  count('lost', f.lost.length)
  count('run twice past a checkpoint', f.repeats.pastCheckpoint.length + f.relaunched.length)
  count('ended other than FINISHED', f.endedBadly.size)
  count('wrong outputs', f.wrongOutputs.length + f.load.wrong.size)
  count('failed launches', f.load.failed.size)
  count('steps without a recorded execution', f.repeats.missing.length)
  count('workers that did not stop cleanly', f.stops.filter((s) => s.code !== 0).length)
  count('disruptions with nothing under way', f.disruptions.filter((d) => d.inFlight === 0).length)
  if (f.disruptions.length < DISRUPTIONS && f.stalled === undefined)
    problems.push(`${DISRUPTIONS - f.disruptions.length} disruptions not done`)
  return problems
}

/** Prints the summary table. */
export const printSummary = (f: SoakFigures): void => {
  const peak = [...f.memory.entries()].sort((a, b) => b[1].hwm - a[1].hwm)[0]
  const sampled = Math.max(0, ...[...f.memory.values()].map((m) => m.rss))
  const rows: [string, string][] = [
    [
      'finished',
      `${n(f.finished)} of ${n(f.processes)} processes (${n(f.rootsFinished)} of ${n(f.roots)} roots)`,
    ],
    ['lost', `${n(f.lost.length)}${some(f.lost)}`],
    [
      'run twice past a checkpoint',
      `${n(f.repeats.pastCheckpoint.length + f.relaunched.length)}${some([
        ...f.repeats.pastCheckpoint.map((e) => `${e.pid} ${e.step} ${e.index} (${e.id})`),
        ...f.relaunched,
      ])} (step executions after a committed one, and children launched again)`,
    ],
    [
      'ran again, not yet checkpointed',
      `${n(f.repeats.ranAgain - f.repeats.pastCheckpoint.length)} of ${n(f.repeats.executions)} step executions (allowed: the worker died before the checkpoint)`,
    ],
    [
      'peak worker RSS',
      peak === undefined
        ? 'not sampled'
        : `${mib(peak[1].hwm)} (VmHWM of ${peak[0]}; highest VmRSS sampled ${mib(sampled)}); ` +
          [...f.memory.entries()].map(([name, m]) => `${name} ${mib(m.hwm)}`).join(', '),
    ],
    [
      'peak advisory locks',
      `${n(f.peakAdvisoryLocks)} (${n(f.idleAdvisoryLocks)} with the workers idle at the end)`,
    ],
    ['wall time', `${minutes(f.wallMs)} from the first launch to the last end`],
    [
      'throughput',
      `${n(Math.round((f.finished * 1000) / f.wallMs))} processes/s (finished processes over the wall time, disruptions included)`,
    ],
    [
      'launches',
      `${n(f.load.launched)} of ${n(f.roots)} launched, ${n(f.load.answered)} answered as expected (half waited for their outputs, half nowait); ${n(f.load.failed.size)} failed${some([...f.load.failed.keys()])}, ${n(f.load.wrong.size)} wrong; ${n(f.resent)} re-sent after the broker restart`,
    ],
    ['stored outputs wrong', `${n(f.wrongOutputs.length)}${some(f.wrongOutputs)}`],
    ['launch answers wrong', `${n(f.load.wrong.size)}${some([...f.load.wrong.values()])}`],
    ['ended other than FINISHED', `${n(f.endedBadly.size)}${some([...f.endedBadly.keys()])}`],
    [
      'orphans',
      `${n(f.store.liveChildren)} left, ${n(f.store.pruned)} pruned by the workers (children of a step that ran again)`,
    ],
    ['claims held at the end', n(f.store.claims)],
    ['checkpoint rows written', `about ${n(f.store.writes)} (PostgreSQL's statistics)`],
    ...f.disruptions.map((d): [string, string] => [
      'disruption',
      `${d.what} at ${minutes(d.startedAt)} (${n(d.atRoots)} roots ended, ${n(d.inFlight)} under way), ${(d.tookMs / 1000).toFixed(1)} s`,
    ]),
    [
      'workers at the end',
      f.stops.map((s) => `${s.name} exited ${s.code ?? s.signal} on SIGTERM`).join(', '),
    ],
    [
      'machine',
      `${f.machine.atStart.cpu}, ${f.machine.atStart.cores} cores, Node ${f.machine.atStart.node}; load average ${f.machine.atStart.loadAverage.join(' ')} at the start, ${f.machine.atEnd.loadAverage.join(' ')} at the end`,
    ],
  ]
  const width = Math.max(...rows.map(([name]) => name.length))
  console.log('')
  for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`)
  console.log('')
}
