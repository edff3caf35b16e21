/**
 * A work chain's positions are the places of its outline: made once per definition and shared,
 * frozen, by every process of it (a reloaded one included, from its first step on), so that a
 * step call builds no cursor of its own.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  DefinitionRegistry,
  Runner,
  bundle,
  decodeCheckpoint,
  defineWorkChain,
  encodeCheckpoint,
  if_,
  input,
  restoreBundle,
  silentLogger,
  while_,
  type Position,
  type ProcessHandle,
} from '../../lib/index.js'

const Nested = defineWorkChain({
  name: 'PlacesNested',
  spec: { inputs: { n: input(t.number) } },
  context: () => ({ i: 0, odd: 0 }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.n,
    isOdd: (ctx) => ctx.i % 2 === 1,
    countOdd: (ctx) => void (ctx.odd += 1),
    inc: (ctx) => void (ctx.i += 1),
  },
  outline: (s) => [while_(s.more)(if_(s.isOdd)(s.countOdd), s.inc)],
})

/** The position of every entry into RUNNING, in order. */
const positionsOf = (process: ProcessHandle): Position[] => {
  const seen: Position[] = []
  process.addProcessListener({
    onProcessRunning: (p) => {
      const state = p.loop.snapshot.state
      if (state._tag === 'RUNNING') seen.push(state.position)
    },
  })
  return seen
}

describe('the places of an outline', () => {
  it('give every process of a definition the same frozen position objects', async () => {
    const runner = new Runner({ logger: silentLogger })
    const first = Nested.create({ n: 5 }, { runner })
    const second = Nested.create({ n: 5 }, { runner })
    const a = positionsOf(first)
    const b = positionsOf(second)
    await first.execute()
    await second.execute()
    expect(a.length).toBeGreaterThan(10)
    expect(b).toEqual(a)
    a.forEach((position, i) => {
      expect(b[i]).toBe(position)
      expect(Object.isFrozen(position)).toBe(true)
      expect(Object.isFrozen((position as { cursor: readonly number[] }).cursor)).toBe(true)
    })
  })

  it('give a process reloaded from a checkpoint the shared positions from its first step on', async () => {
    const runner = new Runner({ logger: silentLogger })
    let text: string | undefined
    runner.use({
      stateChanged(process, _from, to) {
        if (to === 'RUNNING' && text === undefined && (process.ctx as { i: number }).i === 2)
          text = JSON.stringify(encodeCheckpoint(bundle(process)))
      },
    })
    const live = Nested.create({ n: 5 }, { runner })
    const livePositions = positionsOf(live)
    await live.execute()
    const decoded = decodeCheckpoint(text as string)
    if (decoded._tag === 'Left') throw decoded.left
    const reloaded = restoreBundle(
      new Runner({ logger: silentLogger }),
      DefinitionRegistry.of(Nested),
      decoded.right,
    )
    const reloadedPositions = positionsOf(reloaded)
    await reloaded.execute()
    expect(reloaded.ctx).toEqual(live.ctx)
    // The reloaded run is the tail of the live one, position for position, and the same objects.
    const tail = livePositions.slice(livePositions.length - reloadedPositions.length)
    expect(reloadedPositions).toEqual(tail)
    reloadedPositions.forEach((position, i) => expect(position).toBe(tail[i]))
  })
})
