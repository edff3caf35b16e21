// Launchers and controllers: a ProcessLauncher takes launch and continue tasks from a
// communicator; a RemoteProcessController sends them (from this program or any other that shares
// the communicator) and waits for the outputs, or just for the pid with `nowait`.
import * as t from 'io-ts'
import {
  defineWorkChain,
  DefinitionRegistry,
  input,
  LocalCommunicator,
  out,
  output,
  processControl,
  ProcessLauncher,
  RemoteProcessController,
  Runner,
  while_,
} from '../../lib/index.js'
import { isMain } from './is-main.js'

export const ControlledWorkChain = defineWorkChain({
  name: 'ControlledWorkChain',
  spec: {
    inputs: { steps: input(t.number, { default: 10 }) },
    outputs: { result: output(t.number) },
  },
  context: () => ({ iterator: 0 }),
  steps: {
    initStep(ctx) {
      ctx.iterator = 0
    },
    whileStep: (ctx, { inputs }) => ctx.iterator <= inputs.steps,
    loopStep(ctx) {
      ctx.iterator += 1
    },
    finalStep: (ctx) => out('result', ctx.iterator),
  },
  outline: (s) => [s.initStep, while_(s.whileStep)(s.loopStep), s.finalStep],
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  const communicator = new LocalCommunicator()
  const runner = new Runner()
  runner.use(processControl(communicator))
  await new ProcessLauncher({
    runner,
    registry: DefinitionRegistry.of(ControlledWorkChain),
  }).subscribe(communicator)
  const controller = new RemoteProcessController(communicator)

  console.log(JSON.stringify(await controller.launchProcess(ControlledWorkChain), null, 2))
  // The pid is given here only so that this file prints the same every time.
  console.log(
    await controller.launchProcess(
      ControlledWorkChain,
      {},
      {
        nowait: true,
        pid: '3f43527d-4ca6-403b-935b-b6fb94624bc0',
      },
    ),
  )
  await communicator.close()
}

if (isMain(import.meta.url)) await main()
