/**
 * Scratch measurement, not a test (vitest ignores it): task round trips through RabbitMQ with
 * one subscriber, client and worker in this one process.
 *
 *   PLUMPY_TEST_AMQP_URL=amqp://... npx tsx spec/comms/measure-tasks.ts
 *
 * Prints, for each slot count, the median of 5 runs of 1,000 concurrent `taskSend`s (all
 * awaited), then 1,000 sequential round trips, with the CPU time per task of this process.
 */
import { randomBytes } from 'node:crypto'
import { connect } from 'amqplib'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'

const url = process.env['PLUMPY_TEST_AMQP_URL']
if (url === undefined) throw new Error('set PLUMPY_TEST_AMQP_URL')
const TASKS = 1_000
const RUNS = 5

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const timed = async (work: () => Promise<unknown>) => {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await work()
  const wall = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { wall, cpu: (used.user + used.system) / 1000 }
}

const measure = async (slots: number) => {
  const prefix = `plumpy-measure-${randomBytes(4).toString('hex')}`
  const options = { prefix, logger: silentLogger }
  const worker = await AmqpCommunicator.connect(url, options)
  const client = await AmqpCommunicator.connect(url, options)
  await worker.addTaskSubscriber((task) => task, undefined, { slots })
  const concurrent = () =>
    Promise.all(Array.from({ length: TASKS }, (_, i) => client.taskSend({ i })))
  const sequential = async () => {
    for (let i = 0; i < TASKS; i++) await client.taskSend({ i })
  }
  await concurrent() // warm-up
  const runs = []
  for (let run = 0; run < RUNS; run++) runs.push(await timed(concurrent))
  const serial = await timed(sequential)
  await Promise.all([worker.close(), client.close()])
  const admin = await connect(url)
  const channel = await admin.createChannel()
  await channel.deleteQueue(`${prefix}.tasks`)
  await channel.deleteExchange(`${prefix}.rpc`)
  await channel.deleteExchange(`${prefix}.broadcast`)
  await admin.close()
  const wall = median(runs.map((r) => r.wall))
  const cpu = median(runs.map((r) => r.cpu))
  console.log(
    `slots ${String(slots).padStart(4)}: ${TASKS} concurrent round trips in ${wall.toFixed(0)} ms ` +
      `(${((TASKS / wall) * 1000).toFixed(0)}/s, runs ${runs.map((r) => r.wall.toFixed(0)).join(' ')} ms), ` +
      `CPU ${((cpu / TASKS) * 1000).toFixed(0)} µs/task; ` +
      `${TASKS} sequential in ${serial.wall.toFixed(0)} ms ` +
      `(${((TASKS / serial.wall) * 1000).toFixed(0)}/s, CPU ${((serial.cpu / TASKS) * 1000).toFixed(0)} µs/task)`,
  )
}

for (const slots of [1, 100, 1_000]) await measure(slots)
