/**
 * A store with processes of every kind for the dashboard's tests and screenshots, run by a real
 * runner that checkpoints every transition and records history: finished pipelines with their
 * children, a failed process, a killed one, and `Gated` chains waiting at their gates (live on
 * the runner: with a communicator, they answer pause, play and kill).
 */
import type { Communicator } from '../../lib/comms/communicator.js'
import { processControl } from '../../lib/comms/process-control.js'
import { hasHistory } from '../../lib/persistence/catalog/index.js'
import type { Persister } from '../../lib/persistence/persister.js'
import { recordHistory, Runner, silentLogger } from '../../lib/runtime/index.js'
import { Broken, Gated, openGate, Pipeline } from './fixtures/definitions.js'

/** What was stored. */
export interface Seeded {
  readonly runner: Runner
  readonly pipelines: readonly string[]
  readonly broken: string
  readonly killed: string
  /** Waiting at the first of their two gates, live on `runner`. */
  readonly gated: readonly string[]
  /** Ends what still runs (opens the gates) and waits for the last checkpoints. */
  finish(): Promise<void>
}

/** Runs processes into `persister`; with `communicator`, they are controllable through it. */
export const seed = async (options: {
  readonly persister: Persister
  readonly communicator?: Communicator
  readonly pipelines?: number
  readonly gated?: number
}): Promise<Seeded> => {
  const { persister } = options
  const runner = new Runner({ persister, checkpoints: 'every-transition', logger: silentLogger })
  if (!hasHistory(persister)) throw new Error('seed: this store keeps no history')
  const recorder = recordHistory({ history: persister, clock: runner.clock, logger: silentLogger })
  runner.use(recorder)
  if (options.communicator !== undefined)
    runner.use(processControl(options.communicator, { logger: silentLogger }))

  const pipelines: string[] = []
  for (let i = 0; i < (options.pipelines ?? 3); i++) {
    const pipeline = runner.create(Pipeline, { n: 2 + i })
    pipelines.push(pipeline.pid)
    await pipeline.execute()
  }
  const broken = runner.create(Broken, {})
  await broken.execute().catch(() => undefined)
  const killed = runner.create(Gated, { rounds: 2 }, { status: 'about to be killed' })
  const killedRun = killed.execute().catch(() => undefined)
  await waitForState(runner, killed.pid, 'WAITING')
  await killed.kill('no longer needed')
  await killedRun
  const gated: string[] = []
  const runs: Promise<unknown>[] = []
  for (let i = 0; i < (options.gated ?? 2); i++) {
    const process = runner.create(Gated, { rounds: 2 })
    gated.push(process.pid)
    runs.push(process.execute())
    await waitForState(runner, process.pid, 'WAITING')
  }
  await runner.flush()
  await recorder.flush()
  return {
    runner,
    pipelines,
    broken: broken.pid,
    killed: killed.pid,
    gated,
    async finish() {
      for (const pid of gated) for (const round of [0, 1]) openGate(pid, round)
      await Promise.all(runs)
      await runner.flush()
      await recorder.flush()
    },
  }
}

/** Resolves once the runner's process `pid` is in `state` (checked every 10 ms, 10 s at most). */
export const waitForState = async (runner: Runner, pid: string, state: string): Promise<void> => {
  for (let waited = 0; waited < 10_000; waited += 10) {
    if (runner.get(pid)?.state === state) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`process ${pid} did not reach ${state} in 10 s`)
}
