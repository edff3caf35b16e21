import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const runBench = (args: readonly string[]): Promise<Ran> =>
  new Promise((done) => {
    execFile(
      'npx',
      ['tsx', 'bench/run.ts', ...args],
      { cwd: ROOT, timeout: 150_000, maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        done({ code, stdout, stderr })
      },
    )
  })

/** The cell of the "ours (median)" column in the printed row of `id`, if there is such a row. */
const oursCell = (stdout: string, id: string): string | undefined => {
  const row = stdout.split('\n').find((line) => line.split('|')[1]?.trim() === id)
  return row?.split('|')[3]?.trim()
}

describe('bench/run.ts --smoke', () => {
  it('runs every workload and prints a row with a number for each of B1 to B6', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'plumpy-bench-smoke-'))
    try {
      const out = join(directory, 'smoke.json')
      const ran = await runBench(['--smoke', '--out', out])
      expect(ran.code, ran.stderr).toBe(0)
      // B5 may come out a little below zero at smoke sizes (see below): a number of either sign.
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
      ])
        expect(oursCell(ran.stdout, id), `row ${id}`).toMatch(
          id === 'B5' ? /^-?\d[\d,.]*\s/ : /^\d[\d,.]*\s/,
        )
      // B7 needs a broker: with one (as under `npm test`), its smoke rows carry numbers too.
      const broker = process.env['PLUMPY_BENCH_AMQP_URL'] || process.env['PLUMPY_TEST_AMQP_URL']
      if (broker) expect(oursCell(ran.stdout, 'B7-1w'), 'row B7-1w').toMatch(/^\d[\d,.]*\s/)
      else expect(ran.stdout).toMatch(/^\| B7 .*not run \(smoke run without/m)
      const report = JSON.parse(await readFile(out, 'utf8')) as {
        mode: string
        machine: { cpu: string; cores: number; node: string; date: string }
        rows: { id: string; median: number | null }[]
      }
      expect(report.mode).toBe('smoke')
      expect(report.machine.cores).toBeGreaterThan(0)
      expect(report.machine.node).toBe(process.version)
      const measured = report.rows.filter((row) => !row.id.startsWith('B7'))
      // Rates and sizes are always positive. A memory figure at smoke sizes (500 processes, some
      // 200 KiB) is within the collector's noise: it can round to 0 (RSS grows by whole pages) or
      // come out a little below it (a collection freed more than the processes took), so it is
      // only required to be a number; the full run measures it.
      const positive = (row: { id: string; median: number | null }) =>
        typeof row.median === 'number' &&
        (row.id.startsWith('B5') ? Number.isFinite(row.median) : row.median > 0)
      expect(measured.filter((row) => !positive(row))).toEqual([])
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  }, 180_000)
})
