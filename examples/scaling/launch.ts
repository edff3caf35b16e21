/**
 * Launch `count` pipelines through the broker and wait for them, printing progress: the client
 * side of the README's "Scaling out" section. Run workers first (`plumpy-ts worker …`).
 *
 *   npx tsx examples/scaling/launch.ts --broker amqp://guest:guest@127.0.0.1:5672 --count 100
 *
 * Each launch carries a pid made here, so it is idempotent: when the connection to the broker
 * drops while waiting (`ConnectionLostError`), sending the same launch again is safe — it joins
 * the running process or answers from its checkpoint — and this script does so.
 */
import { parseArgs } from 'node:util'
import { v4 as uuidv4 } from 'uuid'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { ConnectionLostError, RemoteProcessController } from '../../lib/index.js'
import { expectedTotal, Pipeline } from './definitions.js'

const { values } = parseArgs({
  options: {
    broker: { type: 'string', default: process.env['PLUMPY_BROKER'] ?? 'amqp://127.0.0.1' },
    prefix: { type: 'string', default: process.env['PLUMPY_PREFIX'] ?? 'plumpy' },
    count: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '10' },
  },
})
const count = Number(values.count)
const rounds = Number(values.rounds)

const communicator = await AmqpCommunicator.connect(values.broker, { prefix: values.prefix })
const controller = new RemoteProcessController(communicator)

/** Launch (or, after a lost connection, launch again: same pid, same process). */
const launchOnce = async (pid: string): Promise<unknown> => {
  for (;;) {
    try {
      return await controller.launchProcess(Pipeline, { n: rounds }, { pid })
    } catch (error) {
      if (!(error instanceof ConnectionLostError)) throw error
    }
  }
}

const started = Date.now()
let finished = 0
const results = await Promise.all(
  Array.from({ length: count }, async () => {
    const outputs = (await launchOnce(uuidv4())) as { total: number }
    finished += 1
    if (finished % Math.max(1, Math.floor(count / 10)) === 0 || finished === count)
      console.log(`finished ${finished}/${count} (${Date.now() - started} ms)`)
    return outputs.total
  }),
)
const wrong = results.filter((total) => total !== expectedTotal(rounds)).length
console.log(`${count} pipelines of ${rounds} rounds: ${wrong} wrong totals`)
await communicator.close()
