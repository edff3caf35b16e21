/**
 * A definition that declares no hooks gets one shared, frozen hooks table, which the runtime's
 * hook runner skips without looking hook names up. The skip must be invisible: a process of such
 * a definition goes through the same snapshots, listener events and state changes as one whose
 * definition was given an empty hooks object (which takes the ordinary lookup).
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import {
  Runner,
  defineProcess,
  defineWorkChain,
  input,
  out,
  output,
  silentLogger,
  while_,
  type Hooks,
  type ProcessHandle,
  type ProcessSnapshot,
} from '../../lib/index.js'

const chain = (hooks: Hooks | undefined) =>
  defineWorkChain({
    name: 'Counting',
    spec: { inputs: { n: input(t.number) }, outputs: { total: output(t.number) } },
    context: () => ({ i: 0 }),
    steps: {
      more: (ctx, { inputs }) => ctx.i < inputs.n,
      inc: (ctx) => void (ctx.i += 1),
      *finish(ctx) {
        yield* out('total', ctx.i)
      },
    },
    outline: (s) => [while_(s.more)(s.inc), s.finish],
    ...(hooks === undefined ? {} : { hooks }),
  })

/** Every state change with the snapshot it left, and every listener event, in order. */
const record = async (definition: ReturnType<typeof chain>) => {
  const seen: unknown[] = []
  const runner = new Runner({ logger: silentLogger, ids: () => 'the-pid' })
  runner.use({
    stateChanged: (process: ProcessHandle, from, to) =>
      seen.push(['state', from, to, process.loop.snapshot satisfies ProcessSnapshot]),
  })
  const process = definition.create({ n: 3 }, { runner })
  process.addProcessListener({
    onProcessRunning: (p) => seen.push(['running', p.snapshot]),
    onOutputEmitted: (_p, port, value) => seen.push(['output', port, value]),
    onProcessFinished: (_p, outputs) => seen.push(['finished', outputs]),
  })
  const outputs = await process.execute()
  return { seen, outputs }
}

describe('a definition without hooks', () => {
  it('shares one frozen hooks table with every other such definition', () => {
    const first = chain(undefined)
    const second = defineProcess({ name: 'Plain', steps: { run: () => undefined } })
    expect(first.hooks).toBe(second.hooks)
    expect(Object.isFrozen(first.hooks)).toBe(true)
    expect(chain({}).hooks).not.toBe(first.hooks)
  })

  it('runs as one given an empty hooks object: the same snapshots, events and state changes', async () => {
    const skipped = await record(chain(undefined))
    const looked = await record(chain({}))
    expect(skipped.outputs).toEqual({ total: 3 })
    expect(skipped.seen.length).toBeGreaterThan(10)
    expect(skipped).toEqual(looked)
  })
})
