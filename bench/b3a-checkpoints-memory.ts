/**
 * B3a: a work chain of 1,000 loop steps with a checkpoint on every entry into RUNNING, in-memory
 * persister; checkpoints per second. See `checkpointed-loop.ts` for what is counted.
 */
import { InMemoryPersister } from '../lib/index.js'
import { checkpointedLoop } from './checkpointed-loop.js'
import { runIfMain, type WorkloadArgs } from './harness.js'

export const main = async (args: WorkloadArgs) => [
  await checkpointedLoop(
    args,
    { id: 'B3a', what: 'checkpoints per second, loop chain, in-memory persister' },
    () => new InMemoryPersister(),
    { warmup: 5, runs: 15 },
  ),
]

runIfMain(import.meta.url, main)
