/**
 * The command line's log output: the stdout lines of one turn of the event loop in one write, in
 * order; warnings after the lines logged before them; and nothing lost however the program ends
 * (process.exit, an uncaught exception, an unhandled rejection, the loop running dry), as a
 * program of its own shows, with stdout and stderr in one file.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LogOutput } from '../../lib/cli/operate/log-output.js'
import { cliLogger, type LogFormat } from '../../lib/cli/operate/logging.js'
import { scratchDir } from '../worker/harness.js'

const FIXTURE = join(import.meta.dirname, 'fixtures/log-and-end.ts')
const CLI = join(import.meta.dirname, '../../lib/cli/main.ts')
const dir = scratchDir('log-output')

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

/** Runs a program with stdout and stderr in one file: its exit code and that file's text. */
const runProgram = async (args: readonly string[]) => {
  const file = join(dir, `${args.join('-').replace(/[^a-z0-9-]/gi, '_')}.log`)
  const fd = openSync(file, 'w')
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', fd, fd] })
  closeSync(fd)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, text: readFileSync(file, 'utf8') }
}

afterEach(() => vi.restoreAllMocks())

describe('cliLogger on the program stdout', () => {
  it.each(['pretty', 'json'] as const)(
    'writes the %s lines of one turn in one write, in order',
    async (format: LogFormat) => {
      const writes: string[] = []
      vi.spyOn(process.stdout, 'write').mockImplementation(
        (chunk) => writes.push(String(chunk)) > 0,
      )
      const log = cliLogger(`turn-${format}`, { logLevel: 'info', logFormat: format })
      log.info('one')
      log.info('two', { pid: 'p1', definition: 'Work' })
      log.info('three')
      await nextTurn()
      log.info('four')
      await nextTurn()
      vi.restoreAllMocks()
      const ours = writes.filter((text) => text.includes(`turn-${format}`))
      expect(ours.map((text) => text.split('\n').length - 1)).toEqual([3, 1])
      expect(ours.join('').match(/one|two|three|four/g)).toEqual(['one', 'two', 'three', 'four'])
    },
  )
})

describe('LogOutput', () => {
  it('writes a warning at once, after the lines logged before it', () => {
    const written: string[] = []
    const output = new LogOutput({
      out: { write: (text: string) => written.push(`out ${text}`) },
      err: { write: (text: string) => written.push(`err ${text}`) },
    })
    const log = cliLogger('w', { logLevel: 'info', logFormat: 'pretty' }, output)
    log.info('before')
    log.warn('careful')
    log.info('after')
    expect(written).toEqual(['out [worker w] before\n', 'err [worker w] warning: careful\n'])
    output.flush()
    expect(written.at(-1)).toBe('out [worker w] after\n')
  })
})

describe.concurrent('the log of a program that ends', () => {
  it.each([
    ['exit', 3],
    ['throw', 1],
    ['reject', 1],
    ['return', 0],
  ] as const)(
    'keeps the lines logged just before it ends (%s), before any error report',
    async (how, exitCode) => {
      const { code, text } = await runProgram([FIXTURE, how])
      expect(code).toBe(exitCode)
      expect(text.startsWith('[worker ending] first\n[worker ending] last\n')).toBe(true)
      if (how === 'throw') expect(text).toMatch(/thrown after the lines/)
      if (how === 'reject') expect(text).toMatch(/rejected after the lines/)
    },
  )

  it('keeps a warning between the lines logged around it', async () => {
    const { text } = await runProgram([FIXTURE, 'warn'])
    expect(text).toBe(
      '[worker ending] first\n[worker ending] warning: in between\n[worker ending] last\n',
    )
  })

  it('keeps JSON lines logged just before process.exit', async () => {
    const { code, text } = await runProgram([FIXTURE, 'exit', 'json'])
    expect(code).toBe(3)
    expect(text.split('\n').map((line) => /"msg":"(\w+)"/.exec(line)?.[1])).toEqual([
      'first',
      'last',
      undefined,
    ])
  })

  it('writes a failed worker command its log before the reason it failed', async () => {
    const { code, text } = await runProgram([
      CLI,
      'worker',
      ...['--broker', 'amqp://127.0.0.1:1', '--store', `sqlite:${join(dir, 'store.db')}`],
      ...['--definitions', join(import.meta.dirname, 'fixtures/chatty-definitions.ts')],
      ...['--name', 'unreachable', '--log-format', 'json'],
    ])
    expect(code).toBe(2)
    const lines = text.trimEnd().split('\n')
    expect(lines.at(-1)).toMatch(/^plumpy-ts: cannot connect to the broker/)
    expect(lines.slice(0, -1).every((line) => line.startsWith('{'))).toBe(true)
    expect(lines.at(-2)).toMatch(/gave up reconnecting/)
  })
})
