/**
 * `plumpy-ts check --store <url> --definitions <module>`: every stored checkpoint is loaded
 * against the current definitions; those that would not load are listed with why.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { Runner, bundle, defineWorkChain, silentLogger } from '../../lib/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'

const run = promisify(execFile)
const dir = mkdtempSync(join(tmpdir(), 'plumpy-check-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const greeter = (version: number) =>
  defineWorkChain({
    name: 'Greeter',
    version,
    steps: { hello() {}, bye() {} },
    outline: (s) => [s.hello, s.bye],
  })

const check = (store: string) =>
  run('node', [
    '--import',
    'tsx',
    'lib/cli/main.ts',
    'check',
    '--store',
    store,
    '--definitions',
    'spec/integration/fixtures/check-definitions.ts',
  ]).then(
    (done) => ({ code: 0, stdout: done.stdout }),
    (failed: { code: number; stdout: string }) => ({ code: failed.code, stdout: failed.stdout }),
  )

describe('plumpy-ts check', () => {
  it('lists the checkpoints that would not load, with the reason, and exits 1', async () => {
    const path = join(dir, 'store.sqlite')
    const persister = new SqlitePersister({ path })
    const runner = new Runner({ logger: silentLogger })
    const current = runner.create(greeter(2), {})
    const old = runner.create(greeter(1), {})
    const foreign = runner.create(
      defineWorkChain({ name: 'Stranger', steps: { a() {} }, outline: (s) => [s.a] }),
      {},
    )
    await persister.saveCheckpoint(bundle(current))
    await persister.saveCheckpoint(bundle(old), 'v1')
    await persister.saveCheckpoint(bundle(foreign))
    await persister.close()
    // A row that is not a checkpoint at all.
    const db = new Database(path)
    const table = (
      db.prepare("select name from sqlite_master where type='table'").all() as { name: string }[]
    )
      .map((r) => r.name)
      .find((name) => name.includes('checkpoint')) as string
    const columns = (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map(
      (c) => c.name,
    )
    const body = columns.find((c) => c === 'body' || c === 'data' || c === 'json') as string
    db.prepare(`update ${table} set ${body} = '{"v":1,' where pid = ?`).run(current.pid)
    db.close()

    const { code, stdout } = await check(`sqlite:${path}`)
    expect(code).toBe(1)
    expect(stdout).toMatch(
      new RegExp(`FAIL ${old.pid} v1 version-mismatch: .*Greeter@1 cannot be loaded by Greeter@2`),
    )
    expect(stdout).toMatch(new RegExp(`FAIL ${foreign.pid} - unknown-definition: .*Stranger`))
    expect(stdout).toMatch(new RegExp(`FAIL ${current.pid} - (unreadable|malformed)`))
    expect(stdout).toContain('3 checkpoints checked, 3 would not load')
  }, 60_000)

  it('exits 0 when every checkpoint loads', async () => {
    const path = join(dir, 'good.sqlite')
    const persister = new SqlitePersister({ path })
    const runner = new Runner({ logger: silentLogger })
    await persister.saveCheckpoint(bundle(runner.create(greeter(2), {})))
    await persister.close()
    const { code, stdout } = await check(`sqlite:${path}`)
    expect(code).toBe(0)
    expect(stdout).toContain('1 checkpoints checked, 0 would not load')
  }, 60_000)
})
