// Persistence: a persister stores checkpoints of a process by (pid, tag). A step asks for one with
// `checkpoint(tag)`; it is taken once the step's transition has applied. A checkpoint is plain
// JSON, and loading it recreates the process as it was.
import {
  DefinitionRegistry,
  InMemoryPersister,
  Runner,
  checkpoint,
  defineWorkChain,
  restoreBundle,
} from '../../lib/index.js'
import { isMain } from './is-main.js'

const persister = new InMemoryPersister()
const runner = new Runner({ persister })

export const PersistWorkChain = defineWorkChain({
  name: 'PersistWorkChain',
  context: () => ({ step: 0 }),
  steps: {
    initStep(ctx) {
      ctx.step = 1
      return checkpoint('init')
    },
    *step2(ctx) {
      ctx.step += 1
      yield* checkpoint('step2')
    },
    *step3(ctx) {
      ctx.step += 1
      yield* checkpoint('step3')
    },
  },
  outline: (s) => [s.initStep, s.step2, s.step3],
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  const show = (process: { name: string; ctx: unknown }) =>
    `${process.name}(ctx=${JSON.stringify(process.ctx)})`

  const workchain = PersistWorkChain.create(
    {},
    { runner, pid: '0175da80-5715-4067-a9db-1a7a7ee01eec' },
  )
  await workchain.execute()
  await runner.flush()
  console.log(show(workchain))

  // The persister now holds three checkpoints.
  for (const { pid, tag } of await persister.getCheckpoints())
    console.log(`PersistedCheckpoint(pid=${pid}, tag=${tag})`)

  // A checkpoint, found by pid and tag, recreates the work chain as it was then.
  const bundle = await persister.loadCheckpoint(workchain.pid, 'step2')
  const reloaded = restoreBundle(new Runner(), DefinitionRegistry.of(PersistWorkChain), bundle)
  console.log(show(reloaded))
}

if (isMain(import.meta.url)) await main()
