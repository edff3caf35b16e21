/**
 * The dashboard's table on 100,000 stored processes: how long `GET /api/processes` takes (the
 * page and the counts per state, through HTTP) on a SQLite store, for the queries the page
 * makes. Run: `npx tsx bench/dashboard-table.ts [--count N] [--store sqlite:<file>]`; a store
 * given with `--store` that already holds processes is measured as it is, without filling it.
 *
 * The store is filled by a real runner checkpointing every transition: 70% of the processes
 * run to their end (FINISHED, or EXCEPTED for one in ten), the rest are only created.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as t from 'io-ts'
import { startDashboard } from '../lib/dashboard/index.js'
import { defineProcess, input, out, output, Runner, silentLogger } from '../lib/index.js'
import { catalogOf } from '../lib/persistence/catalog/index.js'
import { openPersister } from '../lib/persistence/url.js'

const { values } = parseArgs({
  options: { count: { type: 'string', default: '100000' }, store: { type: 'string' } },
})
const count = Number(values.count)
const dir = mkdtempSync(join(tmpdir(), 'plumpy-dashboard-bench-'))
const persister = await openPersister(values.store ?? `sqlite:${join(dir, 'store.db')}`)

const Job = defineProcess({
  name: 'Job',
  spec: { inputs: { n: input(t.number) }, outputs: { y: output(t.number) } },
  steps: {
    run(_ctx, { inputs }) {
      if (inputs.n % 10 === 0) throw new Error(`job ${inputs.n} failed`)
      return out('y', inputs.n * 2)
    },
  },
})

const { total: stored } = await catalogOf(persister).listProcesses({ limit: 1 })
const fillStart = performance.now()
const runner = new Runner({ persister, checkpoints: 'every-transition', logger: silentLogger })
for (let n = stored === 0 ? 0 : count; n < count; n++) {
  const process = runner.create(Job, { n }, { status: `job ${n}` })
  if (n % 10 < 7) await process.execute().catch(() => undefined)
  if (n % 10_000 === 9_999) await runner.flush()
}
await runner.flush()
const fillSeconds = (performance.now() - fillStart) / 1000

const dashboard = await startDashboard({ store: persister, port: 0, logger: silentLogger })
const queries: [string, string][] = [
  ['first page (50, newest first)', ''],
  ['state CREATED', 'state=CREATED'],
  ['state EXCEPTED, oldest first', 'state=EXCEPTED&order=asc'],
  ['definition Job, by modified', 'definition=Job&sort=modified'],
  ['roots only, 500 a page', 'roots=1&limit=500'],
  ['deep page (offset 50,000)', 'offset=50000'],
  ['text search (pid or status)', 'q=job%204242'],
  ['paused', 'paused=1'],
]
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
console.log(
  `${count} processes stored in ${fillSeconds.toFixed(1)} s; GET /api/processes, median of 11:`,
)
for (const [label, query] of queries) {
  const times: number[] = []
  let total = 0
  for (let i = 0; i < 12; i++) {
    const start = performance.now()
    const response = await fetch(new URL(`/api/processes?${query}`, dashboard.url))
    const body = (await response.json()) as { total: number }
    if (i > 0) times.push(performance.now() - start)
    total = body.total
  }
  console.log(`  ${label.padEnd(32)} ${median(times).toFixed(1).padStart(7)} ms  (${total} match)`)
}
await dashboard.close()
await persister.close()
rmSync(dir, { recursive: true, force: true })
