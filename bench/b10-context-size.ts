/**
 * B10: the B1 loop with 10, 1,000 or 10,000 keys besides the counter in the context, flat
 * (`ctx.i += 1` next to the keys) and nested (`ctx.data.i += 1`, the keys under `ctx.data`).
 * A step changes one key whatever the size, so its cost should not depend on the size.
 *
 * Per shape and size, three figures: loop steps per second on a runner without persistence (as
 * B1 counts them); µs per step on a runner that checkpoints every transition into the in-memory
 * store (the flush included); and the bytes that store holds for one checkpoint of the chain.
 */
import * as t from 'io-ts'
import {
  InMemoryPersister,
  Runner,
  defineWorkChain,
  input,
  silentLogger,
  while_,
  type MemoryStore,
} from '../lib/index.js'
import {
  check,
  measurement,
  plan,
  runIfMain,
  sample,
  timed,
  untimed,
  type Measurement,
  type WorkloadArgs,
} from './harness.js'

/** `size` keys `k0`…, each holding a short string, as a context's bulk. */
const bulk = (size: number): Record<string, string> => {
  const keys: Record<string, string> = {}
  for (let k = 0; k < size; k++) keys[`k${k}`] = `value ${k}`
  return keys
}

const Flat = defineWorkChain({
  name: 'B10Flat',
  spec: { inputs: { n: input(t.number), size: input(t.number) } },
  context: ({ size }) => ({ i: 0, ...bulk(size) }),
  steps: {
    more: (ctx, { inputs }) => ctx.i < inputs.n,
    inc(ctx) {
      ctx.i += 1
    },
  },
  outline: (s) => [while_(s.more)(s.inc)],
})

const Nested = defineWorkChain({
  name: 'B10Nested',
  spec: { inputs: { n: input(t.number), size: input(t.number) } },
  context: ({ size }) => ({ data: { i: 0, ...bulk(size) } }),
  steps: {
    more: (ctx, { inputs }) => ctx.data.i < inputs.n,
    inc(ctx) {
      ctx.data.i += 1
    },
  },
  outline: (s) => [while_(s.more)(s.inc)],
})

type Shape = 'flat' | 'nested'

const counter = (shape: Shape, ctx: unknown): number =>
  shape === 'flat' ? (ctx as { i: number }).i : (ctx as { data: { i: number } }).data.i

const create = (shape: Shape, inputs: { n: number; size: number }, runner: Runner) =>
  shape === 'flat' ? Flat.create(inputs, { runner }) : Nested.create(inputs, { runner })

/**
 * Steps per run. Without persistence: 10,000 for the small context, fewer for the big ones,
 * whose steps each copy the context (300 steps at 10,000 keys take seconds already); the context
 * is made and frozen once per run, about one step's copy, charged to all its steps. Checkpointed
 * runs write the whole context at every step: fewer still.
 */
const stepsFor = (size: number, smoke: boolean, checkpointed: boolean): number => {
  if (smoke) return 20
  if (size >= 10_000) return checkpointed ? 100 : 300
  if (size >= 1_000) return checkpointed ? 1_000 : 3_000
  return 10_000
}

const measureShape = async (
  args: WorkloadArgs,
  shape: Shape,
  size: number,
): Promise<Measurement[]> => {
  const runs = plan(args, { warmup: 2, runs: 5 })
  const id = `B10-${shape}@${size}`
  const n = stepsFor(size, args.smoke, false)

  const plain = new Runner({ logger: silentLogger })
  const steps = await sample(runs, n, 'per-second', async () => {
    const process = create(shape, { n, size }, plain)
    const timing = await timed(() => process.execute())
    check(counter(shape, process.ctx) === n, `${id}: the loop ended at i = ${n}`)
    return timing
  })

  let bytes = 0
  const m = stepsFor(size, args.smoke, true)
  const checkpointed = await sample(runs, m, 'µs-each', async () => {
    const store: MemoryStore = new Map()
    const runner = new Runner({
      persister: new InMemoryPersister({ store }),
      checkpoints: 'every-transition',
      logger: silentLogger,
    })
    const process = create(shape, { n: m, size }, runner)
    const timing = await timed(async () => {
      await process.execute()
      await runner.flush()
    })
    check(counter(shape, process.ctx) === m, `${id}: the checkpointed loop ended at i = ${m}`)
    bytes = store.get(process.pid)?.get(undefined)?.length ?? 0
    check(bytes > 0, `${id}: a checkpoint was stored`)
    return timing
  })

  return [
    measurement(
      {
        id,
        what: `loop steps/s, ${shape} context of ${size} keys, no persistence`,
        unit: 'steps/s',
        better: 'higher',
        details: { n, size, shape, counted: 'the n inc steps; the time covers execute()' },
      },
      steps,
      runs.warmup,
    ),
    measurement(
      {
        id: `${id}-checkpointed`,
        what: `µs per step, ${shape} context of ${size} keys, every transition checkpointed in memory`,
        unit: 'µs',
        better: 'lower',
        details: { n: m, size, shape, counted: 'execute() and runner.flush(), per inc step' },
      },
      checkpointed,
      runs.warmup,
    ),
    untimed(
      {
        id: `${id}-bytes`,
        what: `bytes the in-memory store holds for one checkpoint, ${shape}, ${size} keys`,
        unit: 'B',
        better: 'lower',
        details: {
          n: m,
          size,
          shape,
          counted: 'the stored text of the last (FINISHED) checkpoint',
        },
      },
      [bytes],
    ),
  ]
}

const SIZES = [10, 1_000, 10_000] as const

/**
 * The spread of a shape: its rate at the smallest size over its rate at the largest. A step's
 * cost independent of the context is a spread of at most 2.
 */
const spread = (shape: Shape, rows: readonly Measurement[]): Measurement => {
  const rate = (size: number) => rows.find((m) => m.id === `B10-${shape}@${size}`)?.median ?? NaN
  return untimed(
    {
      id: `B10-${shape}-spread`,
      what: `steps/s at ${SIZES[0]} keys ÷ steps/s at ${SIZES[2]} keys, ${shape}`,
      unit: '×',
      better: 'lower',
      details: { shape, goal: 'at most 2' },
    },
    [rate(SIZES[0]) / rate(SIZES[2])],
  )
}

export const main = async (args: WorkloadArgs): Promise<Measurement[]> => {
  const all: Measurement[] = []
  for (const shape of ['flat', 'nested'] as const) {
    const rows: Measurement[] = []
    for (const size of SIZES) rows.push(...(await measureShape(args, shape, size)))
    all.push(...rows, spread(shape, rows))
  }
  return all
}

runIfMain(import.meta.url, main)
