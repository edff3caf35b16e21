/** The command line's readable log lines: the layout people grep for, the level, the streams. */
import { describe, expect, it } from 'vitest'
import { LogOutput } from '../../lib/cli/operate/log-output.js'
import { cliLogger } from '../../lib/cli/operate/logging.js'

/** A log output whose streams keep what they are given; `flush` writes what waits. */
const captured = () => {
  const out: string[] = []
  const err: string[] = []
  const output = new LogOutput({
    out: { write: (text: string) => out.push(text) },
    err: { write: (text: string) => err.push(text) },
  })
  return { out, err, output }
}

describe('cliLogger, pretty', () => {
  it('writes one line per record, about a process when told which, warnings to stderr', () => {
    const { out, err, output } = captured()
    const log = cliLogger('w1', { logLevel: 'info', logFormat: 'pretty' }, output)
    log.info('ready: 4 slots')
    log.info('started', { pid: 'p1', definition: 'Work' })
    log.debug?.('not shown at info')
    log.warn('store slow', { pid: 'p2', definition: 'Work', step: 'run' })
    log.error('gone')
    output.flush()
    expect(out.join('')).toBe('[worker w1] ready: 4 slots\n[worker w1] Work p1: started\n')
    expect(err).toEqual([
      '[worker w1] warning: Work p2 run: store slow\n',
      '[worker w1] error: gone\n',
    ])
  })

  it('keeps to its level: debug shows every line, warn only warnings and errors', () => {
    const { out, err, output } = captured()
    const debug = cliLogger('d', { logLevel: 'debug', logFormat: 'pretty' }, output)
    debug.debug?.('moved')
    const quiet = cliLogger('q', { logLevel: 'warn', logFormat: 'pretty' }, output)
    quiet.info('hidden')
    quiet.warn('shown')
    const silent = cliLogger('s', { logLevel: 'silent', logFormat: 'pretty' }, output)
    silent.error('never')
    output.flush()
    expect(out).toEqual(['[worker d] moved\n'])
    expect(err).toEqual(['[worker q] warning: shown\n'])
  })
})
