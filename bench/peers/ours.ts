/**
 * plumpy-ts on the workloads of `bench/peers/`: the code of B1, B2, B3a and B3d, on the same
 * definitions (`bench/definitions.ts`), so that each peer's figure is paired with ours measured
 * the same way in the same process.
 */
import { InMemoryPersister, Runner, silentLogger, type MemoryStore } from '../../lib/index.js'
import { runThreeSteps } from '../b2-processes.js'
import { CountingPersister, Loop } from '../definitions.js'
import { check, timed, type Timing } from '../harness.js'

/** P1 (B1): one loop chain of `n` steps created and executed on a runner without a store. */
export const oursLoop = (n: number): Promise<Timing> =>
  timed(async () => {
    const process = Loop.create({ n }, { runner: new Runner({ logger: silentLogger }) })
    await process.execute()
    check((process.ctx as { i: number }).i === n, `the loop ended at i = ${n}`)
  })

/** P2 (B2): `count` three-step chains created on one runner, then executed together. */
export const oursThreeSteps = runThreeSteps

/**
 * P3 (B3a): one loop chain of `n` steps checkpointing every transition into an in-memory store
 * (which keeps each checkpoint's JSON text); the checkpoints written and the last one's size.
 */
export const oursCheckpointedLoop = async (
  n: number,
): Promise<{ timing: Timing; checkpoints: number; bytes: number }> => {
  const store: MemoryStore = new Map()
  const persister = new CountingPersister(new InMemoryPersister({ store }))
  const runner = new Runner({ persister, checkpoints: 'every-transition', logger: silentLogger })
  let pid = ''
  const timing = await timed(async () => {
    const process = Loop.create({ n }, { runner })
    pid = process.pid
    await process.execute()
    await runner.flush()
  })
  const last = await persister.loadCheckpoint(pid)
  check(
    last.snapshot.state._tag === 'FINISHED' && persister.saves === n + 3,
    `${n + 3} checkpoints written, the last of the finished chain; got ${persister.saves}`,
  )
  const text = store.get(pid)?.get(undefined) ?? ''
  return { timing, checkpoints: persister.saves, bytes: Buffer.byteLength(text) }
}
