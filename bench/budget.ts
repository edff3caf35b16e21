/**
 * The performance budget of BENCH.md as data: for each row, plumpy 0.26's figure and our goal.
 * Ratios compare with plumpy's best figure (the fast end of its range), so they never flatter us.
 */

/** plumpy 0.26's figure for a row, as BENCH.md prints it and as the number to compare with. */
export interface PlumpyFigure {
  readonly text: string
  /** The best of plumpy's runs, in the row's unit; undefined when plumpy has no such figure. */
  readonly best: number | undefined
}

/** A goal: how BENCH.md states it, and the test of a median against it. */
export interface Goal {
  readonly text: string
  /** Undefined for rows reported for information only. */
  readonly met: ((median: number) => boolean) | undefined
}

/** One row of the budget. */
export interface BudgetRow {
  readonly workload: string
  readonly plumpy: PlumpyFigure
  readonly goal: Goal
}

/** A row plumpy 0.26 has no figure for. */
const NONE: PlumpyFigure = { text: '—', best: undefined }
/** A row reported for information only. */
const INFORMATION: Goal = { text: '—', met: undefined }

const atLeast = (limit: number, text: string): Goal => ({ text, met: (m) => m >= limit })
const atMost = (limit: number, text: string): Goal => ({ text, met: (m) => m <= limit })

/** The budget rows by measurement id; B6's rows hold for every size it is run at. */
export const BUDGET: Readonly<Record<string, BudgetRow>> = {
  B1: {
    workload: 'one chain while_(i < N)(inc), N = 10,000: steps/s',
    plumpy: { text: '40,000–43,400 /s', best: 43_400 },
    goal: atLeast(1_000_000, '≥ 1,000,000 /s'),
  },
  B2: {
    workload: '1,000 3-step chains created, run concurrently: processes/s',
    plumpy: { text: '5,300–5,800 /s', best: 5_800 },
    goal: atLeast(150_000, '≥ 150,000 /s'),
  },
  B3a: {
    workload: '1,000-step chain, checkpoint per RUNNING entry, in memory: checkpoints/s',
    plumpy: { text: '7,350–7,680 /s', best: 7_680 },
    goal: atLeast(250_000, '≥ 250,000 /s'),
  },
  B3b: {
    workload: 'the same into SQLite (WAL), each committed: checkpoints/s',
    plumpy: { text: '2,700–3,360 /s (pickle files)', best: 3_360 },
    goal: atLeast(30_000, '≥ 30,000 /s'),
  },
  'B3c-whole': {
    workload: 'bytes of one checkpoint of that chain (ctx = {i})',
    plumpy: { text: '801 B', best: 801 },
    goal: atMost(200, '≤ 200 B'),
  },
  'B3c-increment': {
    workload: 'bytes of one increment between successive checkpoints',
    plumpy: { text: '801 B (whole; no increments)', best: 801 },
    goal: atMost(64, '≤ 64 B'),
  },
  'B3d-loopback': {
    workload: 'PostgreSQL loopback commits/s, sequential upserts (the bound of B3d)',
    plumpy: { text: '—', best: undefined },
    goal: { text: '—', met: undefined },
  },
  B3d: {
    workload: 'strict steps/s into PostgreSQL, one chain (each checkpoint committed first)',
    plumpy: { text: '— (DBOS 5.3: 685 /s)', best: undefined },
    goal: { text: '≥ 0.9× loopback commits', met: undefined },
  },
  'B3d-1-ratio': {
    workload: 'the same ÷ the loopback commit rate of the same run',
    plumpy: { text: '—', best: undefined },
    goal: atLeast(0.9, '≥ 0.9×'),
  },
  'B3d-100': {
    workload: 'strict steps/s into PostgreSQL, 100 chains at once, aggregate (group commit)',
    plumpy: { text: '—', best: undefined },
    goal: { text: '≥ 5× loopback commits', met: undefined },
  },
  'B3d-100-ratio': {
    workload: 'the same ÷ the loopback commit rate of the same run',
    plumpy: { text: '—', best: undefined },
    goal: atLeast(5, '≥ 5×'),
  },
  B4: {
    workload: 'reload between steps 1 and 2 of a 3-step chain, run, check ×1,000: reloads/s',
    plumpy: { text: '5,800 /s', best: 5_800 },
    goal: atLeast(150_000, '≥ 150,000 /s'),
  },
  B5: {
    workload: '10,000 live processes created, not run: rss per process, at rest',
    plumpy: { text: '2.4 KiB', best: 2.4 },
    goal: atMost(0.5, '≤ 0.5 KiB'),
  },
  'B5-heap': {
    workload: 'the same: V8 heapUsed per process (for information)',
    plumpy: { text: '—', best: undefined },
    goal: { text: '—', met: undefined },
  },
  'B5-busy': {
    workload: 'the same, rss read at once, V8 young generation included (for information)',
    plumpy: { text: '—', best: undefined },
    goal: { text: '—', met: undefined },
  },
  B6: {
    workload: 'load a checkpoint taken after {after} steps, finish 10 more: time per resume',
    plumpy: { text: '0.82–0.86 ms', best: 820 },
    goal: atMost(20, '≤ 20 µs, equal at both sizes'),
  },
  'B6-size': {
    workload: 'size of the checkpoint taken after {after} steps',
    plumpy: { text: '791–800 B', best: 791 },
    goal: { text: 'equal at both sizes (O(1))', met: undefined },
  },
  'B7-1w': {
    workload: '1,000 concurrent launches through RabbitMQ, 1 worker: launches/s',
    plumpy: { text: '294 /s', best: 294 },
    goal: atLeast(3_000, '≥ 3,000 /s'),
  },
  'B7-2w': {
    workload: '1,000 concurrent launches through RabbitMQ, 2 workers: launches/s',
    plumpy: { text: '272 /s', best: 272 },
    goal: atLeast(3_000, '≥ 3,000 /s'),
  },
  'B7-rt': {
    workload: '1,000 sequential launch-and-wait round trips, 1 worker: round trips/s',
    plumpy: { text: '201 /s', best: 201 },
    goal: atLeast(400, '≥ 400 /s'),
  },
  'B7-stalls': {
    workload: 'of those 1,000 sequential launches, how many took > 0.25 s',
    plumpy: { text: '31–84', best: 31 },
    goal: atMost(0, 'no stalls'),
  },
  'B7e-pg-rt': {
    workload: '2,000 sequential round trips through a worker process, PostgreSQL, strict',
    plumpy: { text: '—', best: undefined },
    goal: atLeast(1_000, '≥ 1,000 /s'),
  },
  'B7e-pg-p99': {
    workload: 'p99 of those round trips (ms)',
    plumpy: { text: '—', best: undefined },
    goal: { text: '—', met: undefined },
  },
  'B7e-pg-launches': {
    workload: '10,000 concurrent launches through a worker process, PostgreSQL, strict',
    plumpy: { text: '—', best: undefined },
    goal: atLeast(5_000, '≥ 5,000 /s'),
  },
  'B7-cpu': {
    workload: 'CPU per launch (1 worker, concurrent): client + worker + broker',
    plumpy: { text: '5.7 ms (client 2.2, worker 2.4, broker 1.0)', best: 5.7 },
    goal: atMost(1.1, '≤ 1.1 ms in all'),
  },
  'B10-flat-spread': {
    workload: 'B1 loop with 10 and 10,000 keys at the context root: rate at 10 ÷ rate at 10,000',
    plumpy: NONE,
    goal: atMost(2, '≤ 2×'),
  },
  'B10-nested-spread': {
    workload: 'the same with the keys under ctx.data: rate at 10 ÷ rate at 10,000',
    plumpy: NONE,
    goal: atMost(2, '≤ 2×'),
  },
  B8: {
    workload:
      '10,000 processes sleeping on durable timers, one runner: V8 heap per process at rest',
    plumpy: NONE,
    goal: atMost(1, '≤ 1 KiB'),
  },
  'B8-rss': {
    workload: 'the same: rss per sleeping process at rest (for information)',
    plumpy: NONE,
    goal: INFORMATION,
  },
  'B8-lateness': {
    workload: 'the same, deadlines spread over 1 s: latest fire after its deadline',
    plumpy: NONE,
    goal: atMost(50, '≤ 50 ms'),
  },
  'B8-fires': {
    workload: 'as many timers due at one instant: woken and finished per second',
    plumpy: NONE,
    goal: INFORMATION,
  },
  'B9-rt': {
    workload: 'signal round trips through RabbitMQ, 1 worker without a store: median',
    plumpy: NONE,
    goal: INFORMATION,
  },
  'B9-p99': {
    workload: 'the same: p99',
    plumpy: NONE,
    goal: INFORMATION,
  },
  'B9-tp': {
    workload: 'signals at once to waiting processes, 1 worker without a store: signals/s',
    plumpy: NONE,
    goal: atLeast(1_000, '≥ 1,000 /s'),
  },
  'B9-pg-rt': {
    workload: 'signal round trips, 1 worker on PostgreSQL: median',
    plumpy: NONE,
    goal: INFORMATION,
  },
  'B9-pg-p99': {
    workload: 'the same: p99',
    plumpy: NONE,
    goal: INFORMATION,
  },
  'B9-pg-tp': {
    workload: 'signals at once to waiting processes, 1 worker on PostgreSQL: signals/s',
    plumpy: NONE,
    goal: INFORMATION,
  },
}

/** The budget row of a measurement id (`B6@100000` → `B6`, `B6@10-size` → `B6-size`). */
export const budgetOf = (id: string): BudgetRow | undefined => {
  const match = /^(B6)@(\d+)(-size)?$/.exec(id)
  if (match === null) return BUDGET[id]
  const row = BUDGET[`${match[1]}${match[3] ?? ''}`]
  return (
    row && {
      ...row,
      workload: row.workload.replace('{after}', Number(match[2]).toLocaleString('en-US')),
    }
  )
}

/** How much better than plumpy (> 1 is better), against plumpy's best figure. */
export const ratioToPlumpy = (
  median: number,
  better: 'higher' | 'lower',
  plumpyBest: number | undefined,
): number | undefined => {
  if (plumpyBest === undefined || median === 0) return undefined
  return better === 'higher' ? median / plumpyBest : plumpyBest / median
}

/**
 * Rows that a run may leave unmeasured (B7 and B9 without a broker, the PostgreSQL limit without
 * a server), printed with the reason `bench/run.ts` gives.
 */
export const NOT_MEASURED = [
  {
    id: 'B7',
    workload: '1,000 launches through RabbitMQ (1 and 2 workers), round trips, CPU per launch',
    plumpy: '294 /s, 272 /s, 201 round trips/s, 5.7 ms CPU per launch',
    goal: '≥ 3,000 /s; ≥ 400 round trips/s; no stalls; ≤ 1.1 ms CPU',
  },
  {
    id: 'B9',
    workload: 'signal round trips through RabbitMQ (median, p99) and signals/s, 1 worker',
    plumpy: '—',
    goal: '≥ 1,000 /s',
  },
  {
    id: 'L-pg',
    workload: 'PostgreSQL commits per second on loopback (the limit of B3d)',
    plumpy: '—',
    goal: '—',
  },
] as const

/** A row left unmeasured in a run, and why. */
export interface Unmeasured {
  readonly id: string
  readonly reason: string
}
