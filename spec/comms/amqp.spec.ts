/**
 * The RabbitMQ communicator against the real broker of the test run (PLUMPY_TEST_AMQP_URL).
 * Every test uses a prefix of its own, so that no test sees another's queues or messages.
 */
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { connect, type ChannelModel } from 'amqplib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import type { AmqpCommunicatorOptions } from '../../lib/comms/amqp/options.js'
import { ConnectionLostError } from '../../lib/comms/errors.js'
import {
  amqpUrl,
  restartBroker,
  startPrivateBroker,
  type PrivateBroker,
} from '../support/services.js'
import { communicatorConformance } from './conformance.js'
import { gate, recordingLogger, rejectionOf, waitFor } from './helpers.js'

const RUN = randomBytes(4).toString('hex')
let prefixes = 0
const freshPrefix = () => `plumpy-test-${RUN}-${++prefixes}`

/** Deletes the queue and exchanges of a prefix, so that test runs leave nothing behind. */
const removeTopology = async (url: string, prefix: string): Promise<void> => {
  const connection = await connect(url)
  try {
    const channel = await connection.createChannel()
    await channel.deleteQueue(`${prefix}.tasks`)
    await channel.deleteExchange(`${prefix}.rpc`)
    await channel.deleteExchange(`${prefix}.broadcast`)
    await channel.close()
  } finally {
    await connection.close()
  }
}

/** Communicators on one prefix, closed (and the topology removed) by `cleanup`. */
const communicators = (url: string) => {
  const prefix = freshPrefix()
  const logger = recordingLogger()
  const opened: AmqpCommunicator[] = []
  return {
    prefix,
    logger,
    open: async (options: AmqpCommunicatorOptions = {}) => {
      const communicator = await AmqpCommunicator.connect(url, { prefix, logger, ...options })
      opened.push(communicator)
      return communicator
    },
    cleanup: async () => {
      await Promise.all(opened.map((communicator) => communicator.close()))
      await removeTopology(url, prefix)
    },
  }
}

communicatorConformance('AmqpCommunicator', async () => {
  const set = communicators(amqpUrl())
  return { a: await set.open(), b: await set.open(), cleanup: set.cleanup }
})

describe('AmqpCommunicator', () => {
  let set: ReturnType<typeof communicators>
  let raw: ChannelModel
  beforeAll(async () => {
    raw = await connect(amqpUrl())
  })
  afterAll(async () => {
    await raw.close()
  })
  afterEach(async () => {
    await set.cleanup()
  })

  it('redelivers, marked redelivered, a task whose worker died before acknowledging it', async () => {
    set = communicators(amqpUrl())
    let workerConnection: ChannelModel | undefined
    const worker = await set.open({ onConnect: (connection) => (workerConnection = connection) })
    const b = await set.open()
    const taken: unknown[] = []
    await worker.addTaskSubscriber((task) => {
      taken.push(task)
      return new Promise(() => undefined) // works forever, never acknowledges
    })
    const result = b.taskSend('survives its worker')
    await waitFor('the worker to take the task', () => taken.length === 1)
    await b.addTaskSubscriber((task, { redelivered }) => ({ task, redelivered }))
    // The worker dies: its socket breaks without a goodbye, and it never comes back.
    const socket = (workerConnection?.connection as unknown as { stream: Socket }).stream
    socket.destroy(new Error('simulated crash'))
    await worker.close()
    expect(await result).toEqual({ task: 'survives its worker', redelivered: true })
  })

  it('rejects malformed messages for good, logs them, and keeps working', async () => {
    set = communicators(amqpUrl())
    const a = await set.open()
    const heard: unknown[] = []
    await a.addTaskSubscriber((task) => `handled ${String(task)}`)
    await a.addBroadcastSubscriber((message) => heard.push(message.body))
    const channel = await raw.createConfirmChannel()
    const queue = `${set.prefix}.tasks`
    channel.sendToQueue(queue, Buffer.from('not JSON at all'), { persistent: true })
    channel.sendToQueue(queue, Buffer.from('{"_tag":"Launch","body":1}'))
    channel.sendToQueue(queue, Buffer.from('{"_tag":"Task","body":1}'), { replyTo: 'nowhere' })
    channel.publish(`${set.prefix}.broadcast`, '', Buffer.from('{"_tag":"Broadcast","sender":7}'))
    await channel.waitForConfirms()
    expect(await a.taskSend('a good task')).toBe('handled a good task')
    await a.broadcastSend('a good broadcast')
    await waitFor('the good broadcast', () => heard.length === 1)
    const malformed = () => set.logger.lines.filter((line) => line.includes('malformed'))
    await waitFor('three malformed tasks and one broadcast logged', () => malformed().length === 4)
    const logged = malformed().join('\n')
    expect(logged).toContain('not JSON')
    expect(logged).toContain('_tag: expected Task, got "Launch"')
    expect(logged).toContain('a task with replyTo needs a correlationId')
    expect(logged).toContain('sender: expected (string | undefined), got 7')
    expect((await channel.checkQueue(queue)).messageCount).toBe(0)
    await channel.close()
  })

  it('takes the heartbeat from the URL', async () => {
    set = communicators(amqpUrl())
    let heartbeat: unknown
    await set.open({
      onConnect: (connection) => {
        heartbeat = (connection.connection as unknown as { heartbeat: number }).heartbeat
      },
    })
    const url = new URL(amqpUrl())
    expect(heartbeat).toBe(Number(url.searchParams.get('heartbeat') ?? 60))
  })

  it('subscribes again when the broker cancels a task consumer (its queue deleted)', async () => {
    set = communicators(amqpUrl())
    const a = await set.open()
    await a.addTaskSubscriber((task) => `still here: ${String(task)}`)
    const channel = await raw.createChannel()
    await channel.deleteQueue(`${set.prefix}.tasks`)
    await channel.close()
    const connections = () =>
      set.logger.lines.filter((line) =>
        /^(info: connected|warn: reconnected) to the broker/.test(line),
      ).length
    await waitFor('the reconnection', () => connections() === 2)
    expect(await a.taskSend('after')).toBe('still here: after')
  })
})

describe('AmqpCommunicator across a broker restart', () => {
  let broker: PrivateBroker
  let set: ReturnType<typeof communicators>
  beforeAll(async () => {
    broker = await startPrivateBroker()
  }, 120_000)
  afterAll(async () => {
    await set?.cleanup().catch(() => undefined)
    await broker?.stop()
  }, 120_000)

  it('reconnects, restores every subscriber, fails what was in flight', async () => {
    set = communicators(broker.url)
    const fast = { reconnect: { initialDelayMs: 100, maxDelayMs: 500 } }
    const a = await set.open(fast)
    const b = await set.open(fast)
    const heard: unknown[] = []
    const stuck = gate()
    await b.addTaskSubscriber((task) => `done ${String(task)}`)
    await b.addRpcSubscriber((message) => `pong ${String(message)}`, 'pid-r')
    await b.addRpcSubscriber(() => stuck.opened, 'pid-stuck')
    await a.addBroadcastSubscriber((message) => heard.push(message.body))
    expect(await a.taskSend(1)).toBe('done 1')
    const inFlight = rejectionOf(a.rpcSend('pid-stuck', 'never answered'))

    const restarting = restartBroker(broker)
    await waitFor('the disconnection', () => !a.isConnected(), 60_000)
    expect(await inFlight).toBeInstanceOf(ConnectionLostError)
    const sentDuringOutage = a.taskSend(2)
    await restarting
    expect(await sentDuringOutage).toBe('done 2')
    expect(await a.rpcSend('pid-r', 'ping')).toBe('pong ping')
    await b.broadcastSend('after the restart')
    await waitFor('the broadcast', () => heard.length === 1)
    // One line when each of the two connections dropped, one when it was back.
    const told = (pattern: RegExp) => set.logger.lines.filter((line) => pattern.test(line))
    expect(told(/^warn: connection to the broker lost/)).toHaveLength(2)
    expect(
      told(/^warn: reconnected to the broker after \d+\.\d s \(\d+ failed attempts?\)$/),
    ).toHaveLength(2)
    expect(told(/cannot connect/)).toEqual([])
    stuck.open()
  }, 120_000)
})
