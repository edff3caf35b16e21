// Communicators: a process on a communicator answers RPC under its pid. Here, its status.
// (The clock is fixed so that the printed creation time is the notebook's.)
import { LocalCommunicator, Runner, defineProcess, processControl } from '../../lib/index.js'

const communicator = new LocalCommunicator()
const runner = new Runner({ clock: () => 1649438757413.114 })
runner.use(processControl(communicator, { clock: runner.clock }))

const SimpleProcess = defineProcess({ name: 'SimpleProcess', steps: { run() {} } })

const proc = SimpleProcess.create({}, { runner })
console.log(JSON.stringify(await communicator.rpcSend(proc.pid, { intent: 'status' }), null, 2))
await communicator.close()
