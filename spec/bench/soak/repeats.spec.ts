import { describe, expect, it } from 'vitest'
import { countRepeats } from '../../../bench/soak/repeats.js'
import type { Root } from '../../../bench/soak/options.js'

const run = (osPid: number, pipeline: string, step: string, index: number, at: number) => ({
  osPid,
  pipeline,
  step,
  index,
  at,
})
const work: Root = { pid: 'w', kind: 'Work', waited: true, index: 3 }
const pipeline: Root = { pid: 'p', kind: 'Pipeline', waited: false, index: 0 }

describe('countRepeats', () => {
  it('counts nothing when every step ran once', () => {
    const repeats = countRepeats({
      executions: [run(1, 'w', 'work', 3, 100), run(1, 'p', 'work', 0, 100)],
      firstCommitPast: new Map([['w work 3', 150]]),
      finished: [work],
      rounds: 1,
    })
    expect(repeats).toMatchObject({ executions: 2, ranAgain: 0, pastCheckpoint: [] })
    expect(repeats.missing).toEqual([])
  })

  it('allows a step run again before a checkpoint past it committed', () => {
    const repeats = countRepeats({
      executions: [run(1, 'w', 'work', 3, 100), run(2, 'w', 'work', 3, 200)],
      firstCommitPast: new Map([['w work 3', 250.5]]),
      finished: [work],
      rounds: 1,
    })
    expect(repeats.ranAgain).toBe(1)
    expect(repeats.pastCheckpoint).toEqual([])
  })

  it('counts a step run again after a checkpoint past it committed, in the same millisecond too', () => {
    const again = run(2, 'p', 'collect', 0, 300)
    const sameMs = run(3, 'w', 'work', 3, 200)
    const repeats = countRepeats({
      // Out of order in the record: the first run is the earliest, wherever its line is.
      executions: [again, run(1, 'p', 'collect', 0, 100), sameMs, run(1, 'w', 'work', 3, 100)],
      firstCommitPast: new Map([
        ['p collect 0', 150],
        ['w work 3', 200.9],
      ]),
      finished: [],
      rounds: 1,
    })
    expect(repeats.ranAgain).toBe(2)
    expect(repeats.pastCheckpoint).toEqual([again, sameMs])
  })

  it('names the steps of finished roots that no execution records', () => {
    const repeats = countRepeats({
      executions: [
        run(1, 'p', 'work', 0, 1),
        run(1, 'p', 'collect', 0, 2),
        run(1, 'p', 'work', 1, 3),
      ],
      firstCommitPast: new Map(),
      finished: [pipeline, work],
      rounds: 2,
    })
    expect(repeats.missing).toEqual(['p collect 1', 'w work 3'])
  })
})
