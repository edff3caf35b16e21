/** The command line's readable log lines: the layout people grep for, the level, the streams. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cliLogger } from '../../lib/cli/operate/logging.js'

const captured = () => {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0)
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0)
  return { out, err }
}

afterEach(() => vi.restoreAllMocks())

describe('cliLogger, pretty', () => {
  it('writes one line per record, about a process when told which, warnings to stderr', () => {
    const { out, err } = captured()
    const log = cliLogger('w1', { logLevel: 'info', logFormat: 'pretty' })
    log.info('ready: 4 slots')
    log.info('started', { pid: 'p1', definition: 'Work' })
    log.debug?.('not shown at info')
    log.warn('store slow', { pid: 'p2', definition: 'Work', step: 'run' })
    log.error('gone')
    vi.restoreAllMocks()
    expect(out).toEqual(['[worker w1] ready: 4 slots\n', '[worker w1] Work p1: started\n'])
    expect(err).toEqual([
      '[worker w1] warning: Work p2 run: store slow\n',
      '[worker w1] error: gone\n',
    ])
  })

  it('keeps to its level: debug shows every line, warn only warnings and errors', () => {
    const { out, err } = captured()
    const debug = cliLogger('d', { logLevel: 'debug', logFormat: 'pretty' })
    debug.debug?.('moved')
    const quiet = cliLogger('q', { logLevel: 'warn', logFormat: 'pretty' })
    quiet.info('hidden')
    quiet.warn('shown')
    const silent = cliLogger('s', { logLevel: 'silent', logFormat: 'pretty' })
    silent.error('never')
    vi.restoreAllMocks()
    expect(out).toEqual(['[worker d] moved\n'])
    expect(err).toEqual(['[worker q] warning: shown\n'])
  })
})
