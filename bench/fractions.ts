/**
 * Each workload's figure as a fraction of the limit it is bounded by (`limits.ts`, measured in
 * the same run), and the goal as a fraction: figures that hold on any CPU, where the absolute
 * ones differ by machine (BENCH.md, "Figures that travel").
 */
import { formatNumber, type Measurement } from './harness.js'

/** The limit a workload is read against, and its goal as a fraction of that limit. */
export interface LimitGoal {
  /** The id of the limit's measurement (`L-produce`…). */
  readonly limit: string
  /** The least fraction of the limit the workload should reach. */
  readonly atLeast: number
  /**
   * A row of the workload's own that holds the median of its per-run ratios to the limit, each
   * run paired with a run of the limit right before it: the fraction is read from it.
   */
  readonly paired?: string
}

/**
 * The workloads with a limit. B3d (durable steps into PostgreSQL, strict mode) is read against the
 * commit rate its own workload measures on the same server right before each run
 * (`B3d-loopback`), not against `L-pg`: commits on this kind of disk vary by a third from one
 * server and minute to the next, more than the goal's margin.
 */
export const LIMIT_OF: Readonly<Record<string, LimitGoal>> = {
  B1: { limit: 'L-produce', atLeast: 1.0 },
  B3a: { limit: 'L-produce+stringify', atLeast: 0.6 },
  B3b: { limit: 'L-sqlite', atLeast: 0.5 },
  B4: { limit: 'L-parse', atLeast: 0.3 },
  B3d: { limit: 'B3d-loopback', atLeast: 0.9, paired: 'B3d-1-ratio' },
  'B3d-100': { limit: 'B3d-loopback', atLeast: 5, paired: 'B3d-100-ratio' },
}

/** A workload's figure beside its limit's. */
export interface Fraction {
  /** The limit's id and median, or why there is none. */
  readonly limit: string
  readonly limitMedian: number | null
  /** Wall-clock median over the limit's wall-clock median; null when the limit is missing. */
  readonly fraction: number | null
  /** The same from CPU-time medians, when both have them. */
  readonly fractionCpu: number | null
  /** The goal as a fraction (`≥ 0.6×`). */
  readonly goal: string
  /**
   * Whether the fraction meets it, judged from CPU-time medians when both figures have them (on
   * a shared machine the workload and its limit run at different moments, under different
   * loads: wall-clock figures then compare the loads as much as the code), else from
   * wall-clock; null when not judged (smoke run, no limit).
   */
  readonly met: boolean | null
}

/** The fraction of `m`'s limit it reached, or undefined when no limit applies to it. */
export const fractionOf = (
  m: Measurement,
  measurements: readonly Measurement[],
  smoke: boolean,
  unmeasured: ReadonlyMap<string, string>,
): Fraction | undefined => {
  const goal = LIMIT_OF[m.id]
  if (goal === undefined) return undefined
  const goalText = `≥ ${goal.atLeast.toFixed(1)}×`
  const limit = measurements.find((x) => x.id === goal.limit)
  if (limit === undefined)
    return {
      limit: `${goal.limit}: ${unmeasured.get(goal.limit) ?? 'not run'}`,
      limitMedian: null,
      fraction: null,
      fractionCpu: null,
      goal: goalText,
      met: null,
    }
  const paired = measurements.find((x) => x.id === goal.paired)
  const fraction = paired?.median ?? m.median / limit.median
  const fractionCpu =
    paired === undefined && m.cpuMedian !== undefined && limit.cpuMedian !== undefined
      ? m.cpuMedian / limit.cpuMedian
      : null
  return {
    limit: `${goal.limit}: ${formatNumber(limit.median)} /s`,
    limitMedian: limit.median,
    fraction,
    fractionCpu,
    goal: goalText,
    met: smoke ? null : (fractionCpu ?? fraction) >= goal.atLeast,
  }
}

/** The ids of the limits these workload ids are read against. */
export const limitsOf = (ids: readonly string[]): string[] => [
  ...new Set(ids.flatMap((id) => LIMIT_OF[id]?.limit ?? [])),
]
