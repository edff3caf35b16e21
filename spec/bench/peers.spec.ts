import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScript } from './run-script.js'

const runPeers = (args: readonly string[]) => runScript('bench/peers/run.ts', args)

/** The wall-clock median cell of the printed row of `id`, if there is such a row. */
const medianCell = (stdout: string, id: string): string | undefined =>
  stdout
    .split('\n')
    .find((line) => line.split('|')[1]?.trim() === id)
    ?.split('|')[3]
    ?.trim()

const RATE = /^\d[\d,.]* [a-z]+\/s$/
const RATIO = /^×\d[\d,.]*$/

interface Report {
  readonly engines: Record<string, string>
  readonly measurements: { id: string; samples: number[]; cpuSamples?: number[] }[]
  readonly notMeasured: { id: string; reason: string }[]
  readonly failures: string[]
}

describe('bench/peers/run.ts --smoke', () => {
  it('runs P1–P3 on every engine beside ours, with paired ratios, and P4 when PostgreSQL is given', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'plumpy-peers-smoke-'))
    try {
      const out = join(directory, 'peers.json')
      const ran = await runPeers(['--smoke', '--out', out])
      expect(ran.code, ran.stderr).toBe(0)
      const rates = [
        ...['ours', 'xstate', 'xstate-events', 'saga', 'saga-call'].map((e) => `P1-${e}`),
        ...['ours', 'xstate', 'saga'].map((e) => `P2-${e}`),
        'P3-ours',
        'P3-xstate',
      ]
      const ratios = [
        ...['xstate', 'xstate-events', 'saga', 'saga-call'].map((e) => `P1-ours/${e}`),
        'P2-ours/xstate',
        'P2-ours/saga',
        'P3-ours/xstate',
      ]
      const postgres = process.env['PLUMPY_BENCH_PG_URL'] || process.env['PLUMPY_TEST_PG_URL']
      if (postgres) {
        for (const id of ['P4', 'P4-100']) {
          rates.push(`${id}-ours`, `${id}-dbos`)
          ratios.push(`${id}-ours/dbos`, `${id}-ours/loopback`, `${id}-dbos/loopback`)
          expect(medianCell(ran.stdout, `${id}-loopback`), `${id}-loopback`).toMatch(
            /^\d[\d,.]* commits\/s$/,
          )
        }
      } else expect(ran.stdout).toMatch(/^\| P4 +\| not run \(smoke run without/m)
      for (const id of rates) expect(medianCell(ran.stdout, id), `row ${id}`).toMatch(RATE)
      for (const id of ratios) expect(medianCell(ran.stdout, id), `row ${id}`).toMatch(RATIO)
      for (const id of ['P3-ours-bytes', 'P3-xstate-bytes'])
        expect(medianCell(ran.stdout, id), `row ${id}`).toMatch(/^\d+ B$/)

      // The JSON holds the same rows, every timed one with its samples from both clocks, and the
      // versions of the engines measured (the pinned ones).
      const report = JSON.parse(await readFile(out, 'utf8')) as Report
      expect(report.failures).toEqual([])
      expect(report.engines).toEqual({
        xstate: '5.33.3',
        'redux-saga': '1.5.1',
        '@dbos-inc/dbos-sdk': '5.3.0',
      })
      for (const id of [...rates, ...ratios]) {
        const row = report.measurements.find((m) => m.id === id)
        expect(row?.samples.length, `samples of ${id}`).toBe(3)
        expect(row?.cpuSamples?.length, `CPU samples of ${id}`).toBe(3)
      }
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  }, 300_000)

  it('refuses a workload that does not exist', async () => {
    const ran = await runPeers(['--smoke', '--only', 'P9'])
    expect(ran.code).not.toBe(0)
    expect(ran.stderr).toMatch(/--only: no workload P9 \(there are P1, P2, P3, P4\)/)
  }, 60_000)
})
