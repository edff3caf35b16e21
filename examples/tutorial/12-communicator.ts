// Communicators: a process on a communicator answers RPC under its pid. Here, its status.
// (The clock is fixed so that the printed creation time is the notebook's.)
import { LocalCommunicator, Runner, defineProcess, processControl } from '../../lib/index.js'
import { isMain } from './is-main.js'

export const SimpleProcess = defineProcess({ name: 'SimpleProcess', steps: { run() {} } })

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  const communicator = new LocalCommunicator()
  const runner = new Runner({ clock: () => 1649438757413.114 })
  runner.use(processControl(communicator, { clock: runner.clock }))

  const proc = SimpleProcess.create({}, { runner })
  console.log(JSON.stringify(await communicator.rpcSend(proc.pid, { intent: 'status' }), null, 2))
  await communicator.close()
}

if (isMain(import.meta.url)) await main()
