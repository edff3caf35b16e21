/**
 * `plumpy-ts check --store <url> --definitions <module>`: every stored checkpoint is loaded
 * against the current definitions; those that would not load are listed with why.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import {
  FilePersister,
  Runner,
  bundle,
  defineWorkChain,
  silentLogger,
  type Bundle,
} from '../../lib/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { waitingAt } from '../persistence/fixtures.js'
import { Counter } from './fixtures/check-definitions.js'

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

/** `plumpy-ts <args>`, killed after 30 s (a command that hangs fails its test). */
const cli = (args: readonly string[]) =>
  run('node', ['--import', 'tsx', 'lib/cli/main.ts', ...args], { timeout: 30_000 }).then(
    (done) => ({ code: 0, stdout: done.stdout }),
    (failed: { code: number | null; stdout: string }) => ({
      code: failed.code,
      stdout: failed.stdout,
    }),
  )

const check = (store: string) =>
  cli([
    'check',
    '--store',
    store,
    '--definitions',
    'spec/integration/fixtures/check-definitions.ts',
  ])

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

  it('reports invalid positions, missing children and damaged files of a file store', async () => {
    const directory = join(dir, 'files')
    const persister = new FilePersister({ directory, durable: false })
    const runner = new Runner({ logger: silentLogger })
    const parent = bundle(runner.create(greeter(2), {}))
    const good = { ...bundle(runner.create(greeter(2), {})), parentPid: parent.pid }
    const lost = bundle(runner.create(greeter(2), {}))
    const at = (b: Bundle, state: Bundle['snapshot']['state']): Bundle => ({
      ...b,
      snapshot: { ...b.snapshot, state },
    })
    await persister.saveCheckpoint(good)
    await persister.saveCheckpoint(
      at(lost, { _tag: 'RUNNING', position: { _tag: 'Outline', cursor: [99] }, resumed: false }),
    )
    await persister.saveCheckpoint(
      at(parent, {
        _tag: 'WAITING',
        position: { _tag: 'Outline', cursor: [1] },
        message: undefined,
        data: undefined,
        awaiting: [
          { key: 'kid', ref: { _tag: 'Child', pid: 'ghost' }, append: false, done: false },
          { key: 'here', ref: { _tag: 'Child', pid: good.pid }, append: false, done: false },
        ],
        asked: undefined,
      }),
    )
    // A tag long enough for a hashed file name, whose header line (its address) is then damaged.
    await persister.saveCheckpoint(good, 'x'.repeat(300))
    const hashed = readdirSync(directory).find((name) => name.startsWith('#')) as string
    const text = readFileSync(join(directory, hashed), 'utf8')
    writeFileSync(join(directory, hashed), `{"pid":${text.slice(text.indexOf('\n'))}`)
    // A checkpoint renamed by hand: a name this store never writes.
    writeFileSync(
      join(directory, 'Renamed.json'),
      readFileSync(join(directory, `${good.pid}.json`)),
    )

    const { code, stdout } = await check(`file:${directory}`)
    expect(code).toBe(1)
    expect(stdout).toMatch(
      new RegExp(`FAIL ${lost.pid} - invalid-position: position \\[99\\] is outside Greeter@2`),
    )
    expect(stdout).toContain(
      `FAIL ${parent.pid} - missing-child: it waits on child ghost (ctx.kid), which has no checkpoint in the store`,
    )
    expect(stdout).not.toContain(`child ${good.pid}`)
    expect(stdout).toContain(`DAMAGED ${hashed}: its header line`)
    expect(stdout).toContain('DAMAGED Renamed.json: not a checkpoint file name this store writes')
    expect(stdout).toContain(
      '3 checkpoints checked, 1 would not load, 1 wait on children missing from the store, 2 damaged',
    )
    expect(stdout).not.toContain(`FAIL ${good.pid}`)
  }, 60_000)

  it('reports what loading refuses: invalid stored inputs, waits on itself, on a stranger, in a loop', async () => {
    const directory = join(dir, 'refused')
    const persister = new FilePersister({ directory, durable: false })
    const runner = new Runner({ logger: silentLogger })
    const counter = (pid: string, parentPid?: string): Bundle => ({
      ...bundle(runner.create(Counter, { n: 1 }, { pid })),
      parentPid,
    })
    await persister.saveCheckpoint({ ...counter('strings'), inputs: { n: 'x' } })
    await persister.saveCheckpoint(waitingAt(counter('selfish'), { me: 'selfish' }))
    await persister.saveCheckpoint(waitingAt(counter('thief'), { loot: 'stranger' }))
    await persister.saveCheckpoint(counter('stranger', 'someone-else'))
    await persister.saveCheckpoint(waitingAt(counter('ping', 'pong'), { other: 'pong' }))
    await persister.saveCheckpoint(waitingAt(counter('pong', 'ping'), { other: 'ping' }))
    await persister.saveCheckpoint(waitingAt(counter('fine'), { kid: 'kid' }))
    await persister.saveCheckpoint(counter('kid', 'fine'))

    const { code, stdout } = await check(`file:${directory}`)
    expect(code).toBe(1)
    expect(stdout).toContain(
      'FAIL strings - invalid-inputs: its inputs are not valid for Counter@1: inputs.n: expected number, got "x"',
    )
    expect(stdout).toContain(
      'FAIL selfish - cyclic: it waits on itself (ctx.me): selfish → selfish',
    )
    expect(stdout).toContain(
      'FAIL thief - not-a-child: it waits on stranger (ctx.loot), which is not its child: the parent of stranger is someone-else',
    )
    expect(stdout).toContain('FAIL ping - cyclic: it waits on itself: ping → pong → ping')
    expect(stdout).toContain('FAIL pong - cyclic: it waits on itself: pong → ping → pong')
    expect(stdout).not.toMatch(/FAIL (fine|kid|stranger) /)
    expect(stdout).toContain('8 checkpoints checked, 5 would not load')
  }, 60_000)

  it('leaves out a FIFO named like a checkpoint, instead of waiting on it forever', async () => {
    const directory = join(dir, 'fifo')
    const persister = new FilePersister({ directory, durable: false })
    const runner = new Runner({ logger: silentLogger })
    const good = bundle(runner.create(greeter(2), {}))
    await persister.saveCheckpoint(good)
    execFileSync('mkfifo', [join(directory, 'trap.json')])

    const checked = await check(`file:${directory}`)
    expect(checked.code).toBe(1)
    expect(checked.stdout).toContain('DAMAGED trap.json: a FIFO, not a file: left out of the store')
    expect(checked.stdout).toContain('1 checkpoints checked, 0 would not load, 1 damaged')
    const listed = await cli(['list', '--store', `file:${directory}`])
    expect(listed.code).toBe(0)
    // The file store keeps no times: the created column says so.
    expect(listed.stdout).toContain(`${good.pid}  -  Greeter@2  CREATED  -  -`)
    expect(listed.stdout).not.toContain('trap')
  }, 60_000)
})
