import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScript } from './run-script.js'

const runBench = (args: readonly string[]) => runScript('bench/run.ts', args)

/** The cells of the printed row of `id`, if there is such a row. */
const cellsOf = (stdout: string, id: string): string[] | undefined =>
  stdout
    .split('\n')
    .find((line) => line.split('|')[1]?.trim() === id)
    ?.split('|')
    .map((cell) => cell.trim())

/** The cell of the "ours (median)" column in the printed row of `id`, if there is such a row. */
const oursCell = (stdout: string, id: string): string | undefined => cellsOf(stdout, id)?.[3]

/** The cell of the "fraction" column (of the limit) in the printed row of `id`. */
const fractionCell = (stdout: string, id: string): string | undefined => cellsOf(stdout, id)?.[10]

/** The limits measured in every run (PostgreSQL's only with a server). */
const LIMITS = [
  'L-resume',
  'L-produce',
  'L-stringify',
  'L-produce+stringify',
  'L-parse',
  'L-sqlite',
]

/** Memory figures, which smoke sizes put within the collector's noise. */
const MEMORY = new Set(['B5', 'B8', 'B8-rss'])

describe('bench/run.ts --smoke', () => {
  it('runs every workload and prints a row with a number for each of B1 to B6, B8 to B10 and the limits', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'plumpy-bench-smoke-'))
    try {
      const out = join(directory, 'smoke.json')
      const ran = await runBench(['--smoke', '--out', out])
      expect(ran.code, ran.stderr).toBe(0)
      // Memory (B5, B8) may come out a little below zero at smoke sizes (see below): a number
      // of either sign.
      for (const id of [
        'B1',
        'B2',
        'B3a',
        'B3b',
        'B3c-whole',
        'B3c-increment',
        'B4',
        'B5',
        'B6@10',
        'B8',
        'B8-rss',
        'B8-lateness',
        'B8-fires',
        'B10-flat@10',
        'B10-flat@10000-checkpointed',
        'B10-nested@10000-bytes',
        'B10-flat-spread',
        'B10-nested-spread',
        ...LIMITS,
      ])
        expect(oursCell(ran.stdout, id), `row ${id}`).toMatch(
          MEMORY.has(id) ? /^-?\d[\d,.]*\s/ : /^\d[\d,.]*\s/,
        )
      // The workloads with a limit print their fraction of it, measured in the same run.
      for (const id of ['B1', 'B3a', 'B3b', 'B4'])
        expect(fractionCell(ran.stdout, id), `fraction of ${id}`).toMatch(/^×\d[\d.]*; ×\d[\d.]*$/)
      const postgres = process.env['PLUMPY_BENCH_PG_URL'] || process.env['PLUMPY_TEST_PG_URL']
      if (postgres) expect(oursCell(ran.stdout, 'L-pg'), 'row L-pg').toMatch(/^\d[\d,.]*\s/)
      else expect(ran.stdout).toMatch(/^\| L-pg .*not run \(smoke run without/m)
      // B7 needs a broker: with one (as under `npm test`), its smoke rows carry numbers too.
      const broker = process.env['PLUMPY_BENCH_AMQP_URL'] || process.env['PLUMPY_TEST_AMQP_URL']
      if (broker)
        for (const id of ['B7-1w', 'B9-rt', 'B9-p99', 'B9-tp'])
          expect(oursCell(ran.stdout, id), `row ${id}`).toMatch(/^\d[\d,.]*\s/)
      else {
        expect(ran.stdout).toMatch(/^\| B7 .*not run \(smoke run without/m)
        expect(ran.stdout).toMatch(/^\| B9 .*not run \(smoke run without/m)
      }
      // With both servers, B9 on a PostgreSQL worker too.
      if (broker && postgres)
        for (const id of ['B9-pg-rt', 'B9-pg-tp'])
          expect(oursCell(ran.stdout, id), `row ${id}`).toMatch(/^\d[\d,.]*\s/)
      const report = JSON.parse(await readFile(out, 'utf8')) as {
        mode: string
        machine: { cpu: string; cores: number; node: string; date: string }
        rows: {
          id: string
          median: number | null
          limit: { limitMedian: number | null; fraction: number | null; goal: string } | null
        }[]
      }
      expect(report.mode).toBe('smoke')
      expect(report.machine.cores).toBeGreaterThan(0)
      expect(report.machine.node).toBe(process.version)
      const b1 = report.rows.find((row) => row.id === 'B1')
      expect(b1?.limit?.goal).toBe('≥ 1.0×')
      expect(b1?.limit?.fraction).toBeCloseTo((b1?.median ?? 0) / (b1?.limit?.limitMedian ?? 1))
      const measured = report.rows.filter((row) => !/^(B7|B9)/.test(row.id) && row.id !== 'L-pg')
      // Rates and sizes are always positive. A memory figure at smoke sizes (500 processes, some
      // 200 KiB) is within the collector's noise: it can round to 0 (RSS grows by whole pages) or
      // come out a little below it (a collection freed more than the processes took), so it is
      // only required to be a number; the full run measures it.
      // A timer may fire in the very millisecond of its deadline: lateness can be 0.
      const positive = (row: { id: string; median: number | null }) =>
        typeof row.median === 'number' &&
        (MEMORY.has(row.id) || row.id.startsWith('B5')
          ? Number.isFinite(row.median)
          : row.id === 'B8-lateness'
            ? row.median >= 0
            : row.median > 0)
      expect(measured.filter((row) => !positive(row))).toEqual([])
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  }, 300_000)
})
