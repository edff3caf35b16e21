import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { countRepeats, readExecutions } from '../../../bench/soak/repeats.js'
import type { Root } from '../../../bench/soak/options.js'

const run = (id: string, pid: string, step: string, index: number) => ({ id, pid, step, index })
const work: Root = { pid: 'w', kind: 'Work', waited: true, index: 3 }
const chain: Root = { pid: 'c', kind: 'Chain', waited: false, index: 0 }

describe('countRepeats', () => {
  it('counts nothing when every step ran once', () => {
    const repeats = countRepeats({
      executions: [run('a', 'w', 'run', 3), run('b', 'w', 'report', 3)],
      committed: new Set(['a', 'b']),
      finished: [work],
      rounds: 1,
    })
    expect(repeats).toEqual({ executions: 2, ranAgain: 0, pastCheckpoint: [], missing: [] })
  })

  it('allows a step run again when no checkpoint held the run before it', () => {
    const repeats = countRepeats({
      // `a` died with its worker before its checkpoint committed; `b` ran from the one before.
      executions: [run('a', 'w', 'run', 3), run('b', 'w', 'run', 3), run('c', 'w', 'report', 3)],
      committed: new Set(['b', 'c']),
      finished: [work],
      rounds: 1,
    })
    expect(repeats.ranAgain).toBe(1)
    expect(repeats.pastCheckpoint).toEqual([])
  })

  it('counts every run that comes after a run a committed checkpoint held', () => {
    const twice = run('b', 'c', 'round', 0)
    const thrice = run('d', 'c', 'round', 0)
    const repeats = countRepeats({
      executions: [
        run('z', 'c', 'round', 0), // never committed
        run('a', 'c', 'round', 0), // committed
        twice,
        run('x', 'c', 'round', 1), // another step: nothing to do with round 0
        thrice,
      ],
      committed: new Set(['a', 'd']),
      finished: [],
      rounds: 2,
    })
    expect(repeats.ranAgain).toBe(3)
    expect(repeats.pastCheckpoint).toEqual([twice, thrice])
  })

  it('names the steps of finished roots that no execution records', () => {
    const repeats = countRepeats({
      executions: [run('a', 'c', 'round', 0), run('b', 'c', 'finish', 2), run('c', 'w', 'run', 3)],
      committed: new Set(),
      finished: [chain, work],
      rounds: 2,
    })
    expect(repeats.missing).toEqual(['c round 1', 'w report 3'])
  })
})

describe('readExecutions', () => {
  it('reads the record in order, and names a line it cannot read', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'soak-record-')), 'executions')
    writeFileSync(file, 'soakrun-0a0b0c0d-1 c round 0\nsoakrun-0a0b0c0d-2 c finish 1\n')
    expect(readExecutions(file)).toEqual([
      run('soakrun-0a0b0c0d-1', 'c', 'round', 0),
      run('soakrun-0a0b0c0d-2', 'c', 'finish', 1),
    ])
    writeFileSync(file, 'soakrun-0a0b0c0d-1 c round 0 extra\n')
    expect(() => readExecutions(file)).toThrow(`${file}:1: 'soakrun-0a0b0c0d-1 c round 0 extra'`)
  })
})
