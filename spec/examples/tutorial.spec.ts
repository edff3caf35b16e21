/**
 * The tutorial cells print what the plumpy notebook prints. Each `examples/tutorial/NN-*.ts` is
 * run as a program and its output compared, line by line, with `expected/NN-*.txt`: the
 * notebook's output transcribed with these translations — Python's `True`/`False`/`None` print as
 * `true`/`false`/`undefined`, `ProcessState.X` as `X`, description trees and outputs as
 * `JSON.stringify(x, null, 2)`, `AttributesDict(...)` as `JSON.stringify(ctx)`. A new cell is
 * picked up by adding its expected file; a cell without one fails.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const cellsDir = join(root, 'examples/tutorial')
const expectedDir = join(cellsDir, 'expected')

const cells = readdirSync(cellsDir)
  .filter((file) => /^\d\d-.*\.ts$/.test(file))
  .sort()
  .map((file) => ({ file, name: file.replace(/\.ts$/, '') }))

const expectedLines = (name: string): string[] =>
  readFileSync(join(expectedDir, `${name}.txt`), 'utf8')
    .replace(/\n$/, '')
    .split('\n')

const outputLines = (stdout: string): string[] => stdout.replace(/\n$/, '').split('\n')

// Node with tsx's loader, without npx in between: on a busy machine every process counts.
const tsx = (file: string) =>
  run(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    timeout: 110_000,
    maxBuffer: 16 * 1024 * 1024,
  })

describe('the tutorial cells', () => {
  it('are numbered cells, 01 to 10 at least', () => {
    const numbers = cells.map((cell) => cell.name.slice(0, 2))
    expect(numbers.slice(0, 10)).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
      '09',
      '10',
    ])
  })

  it.each(cells)('$name has an expected output', ({ name }) => {
    expect(existsSync(join(expectedDir, `${name}.txt`)), `missing expected/${name}.txt`).toBe(true)
  })

  // Each cell is its own program, so they can run side by side.
  for (const { file, name } of cells) {
    it.concurrent(
      `${name} prints the notebook's output`,
      { timeout: 120_000 },
      async ({ expect }) => {
        const { stdout } = await tsx(join('examples/tutorial', file))
        expect(outputLines(stdout)).toEqual(expectedLines(name))
      },
    )
  }
})

describe('npm start', () => {
  it('runs every cell in order, in one program, and exits 0', { timeout: 120_000 }, async () => {
    const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(packageJson.scripts['start']).toBe('tsx examples/tutorial/run-all.ts')
    // Rejects (with the exit code) unless the program exits 0.
    const { stdout } = await run('npm', ['start', '--silent'], {
      cwd: root,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    })
    const lines = outputLines(stdout)
    expect(lines.at(-1)).toBe(`${cells.length} tutorial cells ran.`)
    const headers = lines.filter((line) => /^=== .* ===$/.test(line))
    expect(headers).toEqual(cells.map((cell) => `=== ${cell.file} ===`))
    // Each cell prints, between its header and the next blank line, what it prints alone.
    for (const { file, name } of cells) {
      const start = lines.indexOf(`=== ${file} ===`) + 1
      const expected = expectedLines(name)
      expect(lines.slice(start, start + expected.length + 1)).toEqual([...expected, ''])
    }
  })
})
