/**
 * Durability modes on a runner that checkpoints every transition: what runs before a checkpoint
 * is committed. The store commits each save a few milliseconds after it is asked for, and writes
 * down, in one timeline with the steps, when each save was committed and what it held.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input } from '../../lib/ports/index.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { parseDurability } from '../../lib/runtime/durability.js'
import { CheckpointNotCommittedError } from '../../lib/runtime/errors.js'
import { defineWorkChain } from '../../lib/runtime/define.js'
import { while_ } from '../../lib/workchain/index.js'
import { quietRunner } from './helpers.js'

/** A store whose commits take `delayMs`, recorded in `timeline` as `commit <state> <ctx.i>`. */
class SlowStore extends InMemoryPersister {
  constructor(
    private readonly timeline: string[],
    private readonly delayMs: number,
  ) {
    super()
  }

  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs))
    await super.saveCheckpoint(bundle, tag)
    const ctx = bundle.snapshot.ctx as { i: number }
    this.timeline.push(`commit ${bundle.snapshot.state._tag} ${ctx.i}`)
  }
}

const chain = (timeline: string[]) =>
  defineWorkChain({
    name: 'Counted',
    spec: { inputs: { n: input(t.number) } },
    context: () => ({ i: 0 }),
    steps: {
      more: (ctx, { inputs }) => ctx.i < inputs.n,
      inc(ctx) {
        timeline.push(`step ${ctx.i + 1}`)
        ctx.i += 1
      },
    },
    outline: (s) => [while_(s.more)(s.inc)],
  })

const run = async (durability: Durability, n = 5) => {
  const timeline: string[] = []
  const runner = quietRunner({
    persister: new SlowStore(timeline, 2),
    checkpoints: 'every-transition',
    durability,
  })
  const process = chain(timeline).create({ n }, { runner })
  await process.execute()
  timeline.push('executed')
  await runner.flush()
  return timeline
}

/** The highest `ctx.i` committed before each step, by step. */
const committedBeforeSteps = (timeline: readonly string[]) => {
  let committed = -1
  const seen: number[] = []
  for (const line of timeline) {
    const [kind, , i] = line.split(' ')
    if (kind === 'commit') committed = Math.max(committed, Number(i))
    if (kind === 'step') seen.push(committed)
  }
  return seen
}

describe('durability', () => {
  it('strict: no step starts before the checkpoint before it is committed', async () => {
    const timeline = await run('strict')
    // Step k starts once the RUNNING checkpoint with i = k - 1 is committed.
    expect(committedBeforeSteps(timeline)).toEqual([0, 1, 2, 3, 4])
    expect(timeline.indexOf('executed')).toBe(timeline.indexOf('commit FINISHED 5') + 1)
  })

  it('batched: steps run ahead, but execute() resolves once the last checkpoint is committed', async () => {
    const timeline = await run('batched')
    expect(committedBeforeSteps(timeline)).toEqual([-1, -1, -1, -1, -1])
    expect(timeline.at(-1)).toBe('executed')
    expect(timeline.at(-2)).toBe('commit FINISHED 5')
    // Saves that waited behind a write in flight were merged into the last of them.
    expect(timeline.filter((line) => line.startsWith('commit')).length).toBeLessThan(5 + 3)
  })

  it('async: execute() resolves before the checkpoints are committed', async () => {
    const timeline = await run('async')
    expect(committedBeforeSteps(timeline)).toEqual([-1, -1, -1, -1, -1])
    expect(timeline.indexOf('executed')).toBeLessThan(timeline.indexOf('commit FINISHED 5'))
    // Every transition is written.
    expect(timeline.filter((line) => line.startsWith('commit')).length).toBe(5 + 3)
  })

  it('strict: a paused process steps on after play() only once its checkpoint is committed', async () => {
    const timeline: string[] = []
    const runner = quietRunner({
      persister: new SlowStore(timeline, 2),
      checkpoints: 'every-transition',
      durability: 'strict',
    })
    const process = chain(timeline).create({ n: 3 }, { runner })
    void process.pause()
    const done = process.stepUntilTerminated()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(timeline.some((line) => line.startsWith('step'))).toBe(false)
    process.play()
    await done
    expect(committedBeforeSteps(timeline)).toEqual([0, 1, 2])
  })

  it('strict: a checkpoint the store refuses stops the process before its next step', async () => {
    const timeline: string[] = []
    /** Refuses, for good, every checkpoint from i = 2 on (the EXCEPTED one too). */
    class RefusingStore extends SlowStore {
      override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
        if ((bundle.snapshot.ctx as { i: number }).i >= 2)
          throw new Error('value too long for the column')
        return super.saveCheckpoint(bundle, tag)
      }
    }
    const runner = quietRunner({
      persister: new RefusingStore(timeline, 2),
      checkpoints: 'every-transition',
      durability: 'strict',
    })
    const process = chain(timeline).create({ n: 5 }, { runner })
    // Its EXCEPTED checkpoint was refused as well: its end is not committed either.
    await expect(process.execute()).rejects.toThrow(
      /the end of .* was not committed \(value too long for the column\)/,
    )
    await runner.flush()
    expect(process.state).toBe('EXCEPTED')
    expect(process.exception()).toBeInstanceOf(CheckpointNotCommittedError)
    expect(process.exception()?.message).toMatch(
      /the checkpoint of .* was not committed \(value too long for the column\): a strict process does not step on past it/,
    )
    // Steps 1 and 2 ran; step 3 would have run past the refused checkpoint.
    expect(timeline.filter((line) => line.startsWith('step'))).toEqual(['step 1', 'step 2'])
    // What the store keeps is the last checkpoint it committed, before the refused one.
    expect(timeline.filter((line) => line.startsWith('commit')).at(-1)).toBe('commit RUNNING 1')
  })

  it('batched: a refused checkpoint is logged and the process runs on', async () => {
    const timeline: string[] = []
    class RefusingStore extends SlowStore {
      override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
        if ((bundle.snapshot.ctx as { i: number }).i === 2) throw new Error('refused')
        return super.saveCheckpoint(bundle, tag)
      }
    }
    const runner = quietRunner({
      persister: new RefusingStore(timeline, 2),
      checkpoints: 'every-transition',
      durability: 'batched',
    })
    const process = chain(timeline).create({ n: 5 }, { runner })
    await expect(process.execute()).resolves.toEqual({})
    expect(timeline.filter((line) => line.startsWith('step'))).toHaveLength(5)
  })

  it('names the modes, and says which are known when given another', () => {
    expect(parseDurability('strict', '--durability')).toBe('strict')
    expect(() => parseDurability('fsync', '--durability')).toThrow(
      "--durability: unknown durability 'fsync' (one of strict, batched, async)",
    )
  })
})
