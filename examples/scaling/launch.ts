/**
 * Launch `count` pipelines through the broker and wait for them, printing progress: the client
 * side of the README's "Scaling out" section. Run workers first (`plumpy-ts worker …`).
 *
 *   npx tsx examples/scaling/launch.ts --broker amqp://guest:guest@127.0.0.1:5672 --count 100
 *   npx tsx examples/scaling/launch.ts --generator     RoundPipeline: a generator step a round
 *
 * Each launch carries a pid made by the controller, so it is idempotent: when the connection to
 * the broker drops while a launch waits for its answer, the controller sends it again once the
 * broker is back (within its `resendWindowMs`, a minute by default), and the launch sent again
 * joins the running process or answers from its checkpoint.
 */
import { parseArgs } from 'node:util'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/index.js'
import { expectedTotal, Pipeline, RoundPipeline } from './definitions.js'

const { values } = parseArgs({
  options: {
    broker: { type: 'string', default: process.env['PLUMPY_BROKER'] ?? 'amqp://127.0.0.1' },
    prefix: { type: 'string', default: process.env['PLUMPY_PREFIX'] ?? 'plumpy' },
    count: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '10' },
    generator: { type: 'boolean', default: false },
  },
})
const count = Number(values.count)
const rounds = Number(values.rounds)
const definition = values.generator ? RoundPipeline : Pipeline

const communicator = await AmqpCommunicator.connect(values.broker, { prefix: values.prefix })
const controller = new RemoteProcessController(communicator)

const started = Date.now()
let finished = 0
const results = await Promise.all(
  Array.from({ length: count }, async () => {
    const outputs = (await controller.launchProcess(definition, { n: rounds })) as {
      total: number
    }
    finished += 1
    if (finished % Math.max(1, Math.floor(count / 10)) === 0 || finished === count)
      console.log(`finished ${finished}/${count} (${Date.now() - started} ms)`)
    return outputs.total
  }),
)
const wrong = results.filter((total) => total !== expectedTotal(rounds)).length
console.log(`${count} ${definition.name}s of ${rounds} rounds: ${wrong} wrong totals`)
await communicator.close()
