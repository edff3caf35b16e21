/**
 * The table `bench/run.ts` prints: one row per figure, with plumpy 0.26's figure, the ratio
 * (> 1 means plumpy-ts is better) and whether the goal is met; for the workloads bounded by a
 * limit measured in the same run (`fractions.ts`), that limit, the fraction of it reached and the
 * goal as a fraction; plus the derived B6 row (are the two histories equal within noise?) and
 * the rows of workloads that could not be measured.
 */
import { NOT_MEASURED, budgetOf, ratioToPlumpy, type Unmeasured } from './budget.js'
import { fractionOf, type Fraction } from './fractions.js'
import { formatNumber, mad, type Measurement } from './harness.js'
import { printMarkdownTable } from './markdown-table.js'

/** One printed (and stored) row. */
export interface Row {
  readonly id: string
  readonly workload: string
  /** Our median, formatted with its unit, or why there is none. */
  readonly ours: string
  readonly oursCpu: string
  readonly median: number | null
  readonly unit: string
  readonly plumpy: string
  readonly ratio: number | null
  readonly goal: string
  /** null: not judged (smoke run, information only, or not measured). */
  readonly met: boolean | null
  /** The limit this figure is read against, as a fraction; null when none applies. */
  readonly limit: Fraction | null
}

const withUnit = (value: number, unit: string): string =>
  unit.endsWith('/s') ? `${formatNumber(value)} /s` : `${formatNumber(value)} ${unit}`

/** The rows of these measurements; goals and ratios are left out of smoke runs. */
export const rowsOf = (
  measurements: readonly Measurement[],
  smoke: boolean,
  unmeasured: readonly Unmeasured[],
): Row[] => {
  const why = new Map(unmeasured.map(({ id, reason }) => [id, reason]))
  const rows: Row[] = measurements.map((m) => {
    const budget = budgetOf(m.id)
    const ratio = smoke ? undefined : ratioToPlumpy(m.median, m.better, budget?.plumpy.best)
    const judge = smoke ? undefined : budget?.goal.met
    return {
      id: m.id,
      workload: budget?.workload ?? m.what,
      ours: withUnit(m.median, m.unit),
      oursCpu: m.cpuMedian === undefined ? '' : withUnit(m.cpuMedian, m.unit),
      median: m.median,
      unit: m.unit,
      plumpy: budget?.plumpy.text ?? '—',
      ratio: ratio ?? null,
      goal: budget?.goal.text ?? '—',
      met: judge === undefined ? null : judge(m.median),
      limit: fractionOf(m, measurements, smoke, why) ?? null,
    }
  })
  const equal = b6Equality(measurements, smoke)
  if (equal !== undefined) rows.push(equal)
  for (const { id, reason } of unmeasured) {
    const row = NOT_MEASURED.find((r) => r.id === id)
    if (row !== undefined)
      rows.push({
        id: row.id,
        workload: row.workload,
        ours: reason,
        oursCpu: '',
        median: null,
        unit: '',
        plumpy: row.plumpy,
        ratio: null,
        goal: row.goal,
        met: null,
        limit: null,
      })
  }
  return rows
}

/**
 * B6 asks for the same resume time at both histories. Two medians count as equal within noise
 * when they differ by less than twice the larger median absolute deviation of their samples, or
 * by less than 10 % of the smaller one.
 */
const b6Equality = (measurements: readonly Measurement[], smoke: boolean): Row | undefined => {
  const times = measurements.filter((m) => /^B6@\d+$/.test(m.id))
  const sizes = measurements.filter((m) => /^B6@\d+-size$/.test(m.id))
  const [short, long] = times
  if (short === undefined || long === undefined) return undefined
  const difference = Math.abs(long.median - short.median)
  const noise = Math.max(
    2 * Math.max(mad(short.samples), mad(long.samples)),
    0.1 * Math.min(short.median, long.median),
  )
  const grown = (sizes[1]?.median ?? 0) - (sizes[0]?.median ?? 0)
  return {
    id: 'B6-equal',
    workload: `resume after ${long.id.slice(3)} vs after ${short.id.slice(3)} steps`,
    ours: `time ×${(long.median / short.median).toFixed(2)}, size +${grown} B`,
    oursCpu:
      long.cpuMedian !== undefined && short.cpuMedian !== undefined
        ? `time ×${(long.cpuMedian / short.cpuMedian).toFixed(2)}`
        : '',
    median: long.median / short.median,
    unit: '×',
    plumpy: '0.82–0.86 ms at both',
    ratio: null,
    goal: 'equal within noise',
    met: smoke ? null : difference <= noise,
    limit: null,
  }
}

const HEADERS = [
  'id',
  'workload',
  'ours (median)',
  'ours (CPU time)',
  'plumpy 0.26',
  'ours vs plumpy',
  'goal',
  'met',
  'limit (median)',
  'fraction (CPU; wall)',
  'fraction goal',
  'met',
] as const

const yesNo = (met: boolean | null): string => (met === null ? '—' : met ? 'yes' : 'no')

/** The fraction from CPU-time medians, then from wall-clock ones (or the one there is). */
const fractionCell = (limit: Fraction | null): string => {
  if (limit === null || limit.fraction === null) return '—'
  if (limit.fractionCpu === null) return times(limit.fraction)
  return `${times(limit.fractionCpu)}; ${times(limit.fraction)}`
}

const times = (value: number | null): string =>
  value === null ? '—' : `×${value >= 10 ? value.toFixed(0) : value.toFixed(2)}`

/** Print the rows as a Markdown table. */
export const printTable = (rows: readonly Row[]): void => {
  const cells = rows.map((row) => [
    row.id,
    row.workload,
    row.ours,
    row.oursCpu,
    row.plumpy,
    times(row.ratio),
    row.goal,
    yesNo(row.met),
    row.limit?.limit ?? '—',
    fractionCell(row.limit),
    row.limit?.goal ?? '—',
    yesNo(row.limit?.met ?? null),
  ])
  printMarkdownTable(HEADERS, cells)
  console.log(
    '\nours vs plumpy: > 1 means plumpy-ts is better (rates: ours / plumpy; sizes and times: ' +
      "plumpy / ours), against plumpy's best figure. CPU time: the same figure from the " +
      "process's CPU time (all its threads) instead of wall-clock time. fraction: ours / the " +
      'limit (L- rows, measured in the same run), from CPU-time medians, then from wall-clock ' +
      'ones; the goal is judged on the first (the two runs shared the machine with different ' +
      'loads when the load average exceeds the cores).',
  )
}
