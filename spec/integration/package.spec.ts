/**
 * The package as a user gets it: `npm pack` on a copy of the repository without `dist` (as a
 * fresh clone is), installed into a new project, whose strict NodeNext TypeScript program using
 * `plumpy-ts`, `plumpy-ts/testing` and `plumpy-ts/sqlite` typechecks and runs, and whose
 * `plumpy-ts` command loads definitions.
 *
 * No network: the tarball is installed the way npm lays it out, by hand. `npm install` of a
 * tarball cannot be used here: offline it needs every dependency in the npm cache, and it would
 * compile better-sqlite3 from source (a minute, and node-gyp wants Node's headers from the
 * internet). So the tarball is unpacked into `node_modules/plumpy-ts`, its `bin` is linked into
 * `node_modules/.bin`, and the dependencies it declares, with theirs, are linked flat into
 * `node_modules` from this repository's installed copies, as npm would hoist them. Only what the
 * package declares is visible from the project: a type that its declarations need from a package
 * it does not declare (say `@types/pg` left in devDependencies) fails the typecheck.
 */
import { execFile } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../..')
const work = mkdtempSync(join(process.env['PLUMPY_TEST_TMP'] ?? tmpdir(), 'plumpy-package-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Manifest {
  readonly version: string
  readonly dependencies?: Record<string, string>
  readonly optionalDependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>
  readonly bin?: Record<string, string>
}

const manifestOf = (directory: string): Manifest =>
  JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Manifest

/** Run a command; resolves to its exit code and output whatever the code. */
const exec = (file: string, args: readonly string[], cwd: string) =>
  run(file, args, {
    cwd,
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
    // npm must not look for updates or audit anything: there is no network.
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_offline: 'true' },
  }).then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (failed: { code?: number; stdout?: string; stderr?: string }) => ({
      code: failed.code ?? -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    }),
  )

/** This repository's files as a fresh clone has them (tracked, and new files not ignored). */
const cloneTo = async (target: string): Promise<void> => {
  const listed = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  )
  for (const file of listed.stdout.split('\0')) {
    if (file === '' || !existsSync(join(ROOT, file))) continue
    mkdirSync(dirname(join(target, file)), { recursive: true })
    cpSync(join(ROOT, file), join(target, file))
  }
  // The development tools (tsc for the prepack build), as `npm ci` would have installed them.
  symlinkSync(join(ROOT, 'node_modules'), join(target, 'node_modules'), 'dir')
}

/**
 * Link `names` and everything they depend on (dependencies, optional ones present here, peers
 * not marked optional) from this repository's node_modules into `modules`, flat.
 */
const linkDependencies = (names: readonly string[], modules: string): string[] => {
  const linked: string[] = []
  const queue = [...names]
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (linked.includes(name)) continue
    const source = join(ROOT, 'node_modules', name)
    // Optional dependencies of other platforms are not installed; anything else must be.
    if (!existsSync(source)) continue
    linked.push(name)
    mkdirSync(dirname(join(modules, name)), { recursive: true })
    symlinkSync(source, join(modules, name), 'dir')
    const manifest = manifestOf(source)
    const required = Object.keys(manifest.peerDependencies ?? {}).filter(
      (peer) => manifest.peerDependenciesMeta?.[peer]?.optional !== true,
    )
    queue.push(
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...required,
    )
  }
  return linked
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    outDir: 'out',
    rootDir: 'src',
  },
  include: ['src'],
}

const COUNTDOWN = `import * as t from 'io-ts'
import { defineWorkChain, input, while_, type InputsOfDefinition } from 'plumpy-ts'

export const Countdown = defineWorkChain({
  name: 'Countdown',
  spec: { inputs: { from: input(t.number, { default: 3 }) } },
  context: (inputs) => ({ left: inputs.from, ticks: 0 }),
  steps: {
    ticking: (ctx) => ctx.left > 0,
    tick(ctx) {
      ctx.left -= 1
      ctx.ticks += 1
    },
  },
  outline: (s) => [while_(s.ticking)(s.tick)],
})

export const defaults: InputsOfDefinition<typeof Countdown> = { from: 3 }
`

const MAIN = `import { Runner, silentLogger } from 'plumpy-ts'
import { runStep } from 'plumpy-ts/testing'
import { SqlitePersister } from 'plumpy-ts/sqlite'
import type { AmqpCommunicator } from 'plumpy-ts/amqp'
import type { PostgresPersister } from 'plumpy-ts/postgres'
import type { Worker } from 'plumpy-ts/worker'
import { Countdown } from './countdown.js'

/** The other adapters' declarations are checked too (types only: no server here). */
export type Adapters = [AmqpCommunicator, PostgresPersister, Worker]

const tick = runStep(Countdown, 'tick', { ctx: { left: 2, ticks: 0 }, inputs: { from: 2 } })
const persister = new SqlitePersister({ path: process.argv[2] ?? ':memory:' })
const runner = new Runner({ logger: silentLogger, persister, checkpoints: 'every-transition' })
const process_ = Countdown.create({ from: 4 }, { runner })
await process_.execute()
await runner.flush()
const stored = await persister.loadCheckpoint(process_.pid)
await persister.close()
console.log(JSON.stringify({ tick: tick.ctx, state: stored.snapshot.state._tag, ctx: stored.snapshot.ctx }))
`

describe('the package', () => {
  const clone = join(work, 'clone')
  const project = join(work, 'project')
  const modules = join(project, 'node_modules')
  let packed: { files: { path: string }[]; filename: string } | undefined

  beforeAll(async () => {
    await cloneTo(clone)
    expect(existsSync(join(clone, 'dist'))).toBe(false)
    const pack = await exec('npm', ['pack', '--json', '--pack-destination', work], clone)
    expect(pack.stderr).not.toMatch(/npm error/)
    expect(pack.code).toBe(0)
    // The prepack build prints nothing; the report is the JSON array at the end.
    packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as (typeof packed)[])[0]
  }, 240_000)

  it('packs the built dist, its declarations and the licence, and nothing else', () => {
    const files = (packed?.files ?? []).map((file) => file.path)
    for (const file of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/testing/index.d.ts',
      'dist/persistence/sqlite/index.d.ts',
      'dist/persistence/postgres/index.d.ts',
      'dist/comms/amqp/index.d.ts',
      'dist/worker/index.d.ts',
    ])
      expect(files).toContain(file)
    expect(
      files.filter(
        (file) => !file.startsWith('dist/') && !/^(LICENSE|README\.md|package\.json)$/.test(file),
      ),
    ).toEqual([])
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([])
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} the plumpy-ts authors\n/,
    )
  })

  it('installs into a strict NodeNext project that typechecks and runs against it', async () => {
    mkdirSync(join(modules, 'plumpy-ts'), { recursive: true })
    const unpacked = await exec(
      'tar',
      [
        '-xzf',
        join(work, packed?.filename ?? ''),
        '-C',
        join(modules, 'plumpy-ts'),
        '--strip-components=1',
      ],
      project,
    )
    expect(unpacked.code).toBe(0)
    const manifest = manifestOf(join(modules, 'plumpy-ts'))
    const declared = Object.keys(manifest.dependencies ?? {})
    const linked = linkDependencies(declared, modules)
    for (const name of declared) expect(linked).toContain(name)
    mkdirSync(join(modules, '.bin'))
    for (const [name, target] of Object.entries(manifest.bin ?? {})) {
      chmodSync(join(modules, 'plumpy-ts', target), 0o755)
      symlinkSync(join('..', 'plumpy-ts', target), join(modules, '.bin', name))
    }
    mkdirSync(join(project, 'src'))
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { 'plumpy-ts': manifest.version },
      }),
    )
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2))
    writeFileSync(join(project, 'src', 'countdown.ts'), COUNTDOWN)
    writeFileSync(join(project, 'src', 'main.ts'), MAIN)

    const tsc = await exec(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'],
      project,
    )
    expect(tsc.stdout + tsc.stderr).toBe('')
    expect(tsc.code).toBe(0)
    const ran = await exec(process.execPath, ['out/main.js', join(work, 'run.db')], project)
    expect(ran.stderr).toBe('')
    expect(JSON.parse(ran.stdout)).toEqual({
      tick: { left: 1, ticks: 1 },
      state: 'FINISHED',
      ctx: { left: 0, ticks: 4 },
    })
  }, 240_000)

  it('has a plumpy-ts command that loads .js definitions, and .ts ones through tsx or says how', async () => {
    const cli = join(modules, '.bin', 'plumpy-ts')
    const check = (definitions: string) =>
      exec(
        cli,
        ['check', '--store', `sqlite:${join(work, 'run.db')}`, '--definitions', definitions],
        project,
      )
    const compiled = await check('out/countdown.js')
    expect(compiled).toMatchObject({ code: 0, stdout: '1 checkpoints checked, 0 would not load\n' })

    const withoutTsx = await check('src/countdown.ts')
    expect(withoutTsx.code).toBe(2)
    expect(withoutTsx.stderr).toMatch(
      /^plumpy-ts: cannot load src\/countdown\.ts: Node v\d+\.\d+\.\d+ does not run TypeScript by itself, and tsx is not installed beside plumpy-ts\. Either install it \(npm install --save-dev tsx\)/,
    )
    // tsx is an optional peer dependency: once the project has it, .ts definitions load.
    linkDependencies(['tsx'], modules)
    const withTsx = await check('src/countdown.ts')
    expect(withTsx).toMatchObject({ code: 0, stdout: '1 checkpoints checked, 0 would not load\n' })
  }, 120_000)
})
