import { describe, expect, it } from 'vitest'
import { Runner, defineWorkChain, silentLogger, while_ } from '../../lib/index.js'

/** A chain of `n` steps that each keep the CPU busy for about `ms` milliseconds. */
const Busy = defineWorkChain({
  name: 'Busy',
  context: () => ({ i: 0 }),
  steps: {
    more: (ctx) => ctx.i < 40,
    work(ctx) {
      const until = performance.now() + 2
      while (performance.now() < until);
      ctx.i += 1
    },
  },
  outline: (s) => [while_(s.more)(s.work)],
})

/** How many times a 0 ms timer, set before the chain starts, fired while it ran. */
const ticksWhileRunning = async (runner: Runner): Promise<number> => {
  let ticks = 0
  let running = true
  const tick = () => {
    if (!running) return
    ticks += 1
    setTimeout(tick, 0)
  }
  setTimeout(tick, 0)
  const process = Busy.create({}, { runner })
  await process.stepUntilTerminated()
  running = false
  expect(process.ctx).toEqual({ i: 40 })
  return ticks
}

describe('Runner timeSliceMs', () => {
  it('by default never yields the loop between steps', async () => {
    expect(await ticksWhileRunning(new Runner({ logger: silentLogger }))).toBe(0)
  })

  it('with a time slice, lets the loop turn during a long run of steps', async () => {
    const ticks = await ticksWhileRunning(new Runner({ logger: silentLogger, timeSliceMs: 10 }))
    expect(ticks).toBeGreaterThan(2)
  })
})
