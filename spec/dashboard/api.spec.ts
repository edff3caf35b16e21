/**
 * The dashboard's JSON API over real stores (SQLite, PostgreSQL) filled by a real runner: the
 * table's filters, paging, sorting and counts; a process in detail with its children, diagram
 * and history; and the answers to requests it refuses.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { startDashboard, type Dashboard } from '../../lib/dashboard/index.js'
import type { DetailJson, ListJson } from '../../lib/dashboard/wire.js'
import type { Persister } from '../../lib/persistence/persister.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { silentLogger } from '../../lib/runtime/index.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { Broken, Gated, Pipeline, Work } from './fixtures/definitions.js'
import { seed, type Seeded } from './seed.js'

const registry = DefinitionRegistry.of(Gated, Broken, Pipeline, Work)
const dir = mkdtempSync(join(process.env['PLUMPY_TEST_TMP'] ?? tmpdir(), 'plumpy-dashboard-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const stores: Record<string, () => Promise<{ persister: Persister; drop(): Promise<void> }>> = {
  sqlite: async () => ({
    persister: new SqlitePersister({ path: join(dir, `api-${Date.now()}.db`) }),
    drop: async () => undefined,
  }),
  postgres: async () => {
    const database: FreshDatabase = await freshPgDatabase('dashboard_api')
    return {
      persister: new PostgresPersister({ connectionString: database.url }),
      drop: () => database.drop(),
    }
  },
}

describe.each(Object.keys(stores))('the dashboard API over %s', (kind) => {
  let persister: Persister
  let drop: () => Promise<void>
  let seeded: Seeded
  let dashboard: Dashboard
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(new URL(path, dashboard.url))
    return { status: response.status, body: (await response.json()) as T }
  }

  beforeAll(async () => {
    ;({ persister, drop } = await (stores[kind] as (typeof stores)['sqlite'])())
    seeded = await seed({ persister, pipelines: 3, gated: 2 })
    dashboard = await startDashboard({ store: persister, registry, port: 0, logger: silentLogger })
  })
  afterAll(async () => {
    await dashboard?.close()
    await seeded?.finish()
    await persister?.close()
    await drop?.()
  })

  it('lists a page of processes, newest first, with the total and the counts per state', async () => {
    const { status, body } = await get<ListJson>('/api/processes?limit=5')
    expect(status).toBe(200)
    // 3 pipelines with 2 + 3 + 4 children, a broken one, a killed one and two gated ones.
    expect(body.total).toBe(3 + 9 + 1 + 1 + 2)
    expect(body.rows).toHaveLength(5)
    expect(body.counts).toEqual({
      CREATED: 0,
      RUNNING: 0,
      WAITING: 2,
      FINISHED: 12,
      EXCEPTED: 1,
      KILLED: 1,
    })
    const created = body.rows.map((row) => row.created ?? 0)
    expect([...created].sort((a, b) => b - a)).toEqual(created)
  })

  it('filters by state, definition, roots, paused and text, and pages', async () => {
    const waiting = (await get<ListJson>('/api/processes?state=WAITING')).body
    expect(waiting.rows.map((row) => row.pid).sort()).toEqual([...seeded.gated].sort())
    expect(waiting.counts.FINISHED).toBe(12) // counts ignore the state filter
    const work = (await get<ListJson>('/api/processes?definition=Work&limit=4&offset=4')).body
    expect(work.total).toBe(9)
    expect(work.rows.map((row) => row.definition)).toEqual(['Work', 'Work', 'Work', 'Work'])
    expect(work.offset).toBe(4)
    const roots = (await get<ListJson>('/api/processes?roots=1')).body
    expect(roots.total).toBe(7)
    expect(roots.rows.every((row) => row.parent === undefined)).toBe(true)
    const text = (await get<ListJson>(`/api/processes?q=${seeded.killed.slice(0, 8)}`)).body
    expect(text.rows.map((row) => row.pid)).toEqual([seeded.killed])
    const byStatus = (await get<ListJson>('/api/processes?q=no%20longer')).body
    expect(byStatus.rows.map((row) => row.pid)).toEqual([seeded.killed])
    const paused = (await get<ListJson>('/api/processes?paused=1')).body
    expect(paused.total).toBe(0)
    const oldest = (await get<ListJson>('/api/processes?order=asc&sort=modified&limit=1')).body
    expect(oldest.rows).toHaveLength(1)
  })

  it('shows a process in detail: children, diagram with the position, history', async () => {
    const pipeline = seeded.pipelines[0] as string
    const { status, body } = await get<DetailJson>(`/api/processes/${pipeline}`)
    expect(status).toBe(200)
    expect(body.row).toMatchObject({ pid: pipeline, definition: 'Pipeline', state: 'FINISHED' })
    expect(body.children).toHaveLength(2)
    expect(body.children.every((child) => child.definition === 'Work')).toBe(true)
    // The store's times, for a root and for a child (found among its siblings).
    expect(body.row.created).toEqual(expect.any(Number))
    const child = (await get<DetailJson>(`/api/processes/${body.children[0]?.pid}`)).body
    expect(child.row).toMatchObject({ parent: pipeline, modified: expect.any(Number) })
    expect(body.result).toMatchObject({ successful: true, exitStatus: 0 })
    expect(body.outputs).toEqual({ total: 1, rounds: 2 })
    expect(body.diagram._tag).toBe('Drawn')
    if (body.diagram._tag === 'Drawn')
      expect(body.diagram.svg).toContain('class="node pill current"')
    expect(body.history?.map((entry) => entry.to)).toContain('FINISHED')
    expect(body.controllable).toBe(false)

    const gated = (await get<DetailJson>(`/api/processes/${seeded.gated[0]}`)).body
    expect(gated.waiting?.waits).toEqual([{ text: 'task (ctx.opened)' }])
    expect(gated.position).toBe('1:while_(more)(1:count)')
    if (gated.diagram._tag !== 'Drawn') throw new Error('no diagram')
    expect(gated.diagram.svg).toMatch(/class="node step current" data-cursor="1\.1"/)

    const broken = (await get<DetailJson>(`/api/processes/${seeded.broken}`)).body
    expect(broken.error?.message).toBe('the flux capacitor is cold')
    expect(broken.error?.stack).toContain('Error: the flux capacitor is cold')
    expect(broken.diagram).toEqual({
      _tag: 'Unavailable',
      reason: 'Broken is a process of steps: it has no outline to draw',
    })
    const killed = (await get<DetailJson>(`/api/processes/${seeded.killed}`)).body
    expect(killed.killed).toEqual({ message: 'no longer needed' })
  })

  it('refuses bad parameters, unknown processes and controls without a broker', async () => {
    expect(await get('/api/processes?state=SLEEPING')).toEqual({
      status: 400,
      body: {
        error:
          "state: 'SLEEPING' is not one of CREATED, RUNNING, WAITING, FINISHED, EXCEPTED, KILLED",
      },
    })
    expect((await get('/api/processes?limit=100000')).status).toBe(400)
    const unknown = '00000000-0000-4000-8000-000000000000'
    expect(await get(`/api/processes/${unknown}`)).toEqual({
      status: 404,
      body: { error: `no process ${unknown} in the store` },
    })
    const post = (headers: Record<string, string>) =>
      fetch(new URL(`/api/processes/${seeded.gated[0]}/pause`, dashboard.url), {
        method: 'POST',
        headers,
        body: '{}',
      })
    expect((await post({ 'content-type': 'application/json' })).status).toBe(409)
    const foreign = await post({ 'content-type': 'application/json', origin: 'http://evil.test' })
    expect(foreign.status).toBe(403)
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(403)
    expect((await get('/api/events')).status).toBe(404)
  })

  it('serves the page and its files, and nothing else', async () => {
    const page = await fetch(dashboard.url)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await page.text()
    expect(html).toContain('<script type="module" src="/assets/main.js">')
    // Every file the page links is served, with its type.
    const linked = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map(
      (m) => m[1] as string,
    )
    expect(linked).toEqual(expect.arrayContaining(['/assets/style.css', '/assets/process.css']))
    for (const path of linked) {
      const asset = await fetch(new URL(path, dashboard.url))
      expect(asset.status, path).toBe(200)
      expect(asset.headers.get('content-type'), path).toMatch(/^text\/(css|javascript);/)
    }
    const script = await fetch(new URL('/assets/table.js', dashboard.url))
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect((await fetch(new URL('/assets/..%2Fserver.ts', dashboard.url))).status).toBe(404)
    expect((await fetch(new URL('/assets/nothing.js', dashboard.url))).status).toBe(404)
  })
})
