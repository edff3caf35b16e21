/**
 * `plumpy-ts dashboard`: serves the page and the API over the store it is given, on loopback,
 * until SIGTERM, and its Prometheus metrics with `--metrics-port`; a bad port is refused before
 * anything opens.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ListJson } from '../../lib/dashboard/wire.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { Runner, silentLogger } from '../../lib/runtime/index.js'
import { Broken } from './fixtures/definitions.js'

const dir = mkdtempSync(join(process.env['PLUMPY_TEST_TMP'] ?? tmpdir(), 'plumpy-dashboard-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Starts `plumpy-ts <args>`; resolves once it prints a line matching `ready`. */
const start = (args: readonly string[], ready: RegExp) => {
  const child = spawn('node', ['--import', 'tsx', 'lib/cli/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const matched = new Promise<RegExpMatchArray>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += String(chunk)
      const match = ready.exec(output)
      if (match !== null) resolve(match)
    }
    child.stdout.on('data', look)
    child.stderr.on('data', look)
    void exited.then((code) => reject(new Error(`exited with ${code}: ${output}`)))
  })
  return { child, exited, matched, output: () => output }
}

describe('plumpy-ts dashboard', () => {
  it('serves the store on loopback until SIGTERM', async () => {
    const path = join(dir, 'store.db')
    const persister = new SqlitePersister({ path })
    const runner = new Runner({ persister, checkpoints: 'every-transition', logger: silentLogger })
    await runner
      .create(Broken, {})
      .execute()
      .catch(() => undefined)
    await runner.flush()
    persister.close()

    const run = start(
      ['dashboard', '--store', `sqlite:${path}`, '--port', '0', '--metrics-port', '0'],
      /dashboard on (http:\/\/127\.0\.0\.1:\d+\/) \(store sqlite:.*, no broker\)\nmetrics on (http:\S+)/,
    )
    const [, url, metricsUrl] = await run.matched
    const list = (await (await fetch(new URL('/api/processes', url))).json()) as ListJson
    expect(list.total).toBe(1)
    expect(list.rows[0]).toMatchObject({ definition: 'Broken', state: 'EXCEPTED' })
    expect(await (await fetch(new URL('/api/info', url))).json()).toEqual({
      live: false,
      controllable: false,
    })
    // Prometheus's view: the store's processes by state, the requests just answered.
    const metrics = await (await fetch(metricsUrl as string)).text()
    expect(metrics).toContain('plumpy_stored_processes{state="EXCEPTED"} 1')
    expect(metrics).toContain('plumpy_stored_processes{state="FINISHED"} 0')
    expect(metrics).toContain('plumpy_dashboard_requests_total{route="list",status="200"} 1')
    expect(metrics).toContain('plumpy_dashboard_requests_total{route="info",status="200"} 1')
    expect(metrics).toMatch(/plumpy_dashboard_request_seconds_count\{route="list"\} 1/)
    expect(metrics).toContain('plumpy_dashboard_live_pages 0')
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  }, 90_000)

  it('refuses a port that is not one, with exit code 2', async () => {
    const run = start(['dashboard', '--store', 'memory:', '--port', '70000'], /$^/)
    run.matched.catch(() => undefined)
    expect(await run.exited).toBe(2)
    expect(run.output()).toContain("'70000' is not a port")
  }, 90_000)
})
