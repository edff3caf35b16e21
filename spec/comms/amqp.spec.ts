/**
 * The RabbitMQ communicator against the real broker of the test run (PLUMPY_TEST_AMQP_URL).
 * Every test uses a prefix of its own, so that no test sees another's queues or messages.
 */
import type { Socket } from 'node:net'
import { connect, type ChannelModel } from 'amqplib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RemoteError } from '../../lib/comms/errors.js'
import { amqpUrl } from '../support/services.js'
import { communicators, type CommunicatorSet } from './amqp-helpers.js'
import { communicatorConformance } from './conformance.js'
import { rejectionOf, waitFor } from './helpers.js'

communicatorConformance('AmqpCommunicator', async () => {
  const set = communicators(amqpUrl())
  return { a: await set.open(), b: await set.open(), cleanup: set.cleanup }
})

describe('AmqpCommunicator', () => {
  let set: CommunicatorSet
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

  it('refuses unread what is over its maxMessageBytes, and answers whoever waits', async () => {
    set = communicators(amqpUrl())
    const small = await set.open({ maxMessageBytes: 1_000 })
    const big = await set.open()
    const received: unknown[] = []
    await small.addTaskSubscriber((task) => received.push(task))
    await small.addRpcSubscriber((message) => received.push(message), 'small')
    await small.addBroadcastSubscriber((message) => void received.push(message.body))
    await big.addRpcSubscriber(() => 'x'.repeat(2_000), 'big')
    const large = 'x'.repeat(2_000)
    const refused = async (promise: Promise<unknown>, message: RegExp) => {
      const error = await rejectionOf(promise)
      expect(error).toBeInstanceOf(RemoteError)
      expect(error).toMatchObject({ remoteName: 'MessageTooLargeError' })
      expect((error as Error).message).toMatch(message)
    }
    await refused(
      big.taskSend(large),
      /^the task is 20\d\d bytes, over the limit of 1000 bytes \(maxMessageBytes\)$/,
    )
    await refused(big.rpcSend('small', large), /^a message is 20\d\d bytes, over the limit/)
    // Its own send whose reply is too large: refused on arrival, and the send told so.
    await refused(small.rpcSend('big', 'give'), /^a message is 20\d\d bytes, over the limit/)
    await big.broadcastSend(large)

    // Not JSON, and too large: refused on its length, never parsed, the raw sender answered.
    const channel = await raw.createChannel()
    const { queue: replies } = await channel.assertQueue('', { exclusive: true })
    const answers: string[] = []
    await channel.consume(replies, (message) => void answers.push(String(message?.content)))
    channel.sendToQueue(`${set.prefix}.tasks`, Buffer.from('{'.repeat(1_500)), {
      replyTo: replies,
      correlationId: 'raw-big',
    })
    await waitFor('the raw answer', () => answers.length === 1)
    expect(JSON.parse(answers[0]!)).toEqual({
      _tag: 'Reply',
      outcome: {
        _tag: 'Failed',
        error: {
          name: 'MessageTooLargeError',
          message: 'the task is 1500 bytes, over the limit of 1000 bytes (maxMessageBytes)',
        },
      },
    })
    await channel.close()

    expect(await big.taskSend('small enough')).toBe(1)
    expect(received).toEqual(['small enough'])
    const told = set.logger.lines.filter((line) => /oversized/.test(line))
    expect(told).toEqual([
      expect.stringMatching(/^error: oversized task rejected for good: the task is 20\d\d bytes/),
      expect.stringMatching(/^error: oversized RPC refused: a message is 20\d\d bytes/),
      expect.stringMatching(/^error: oversized reply refused: a message is 20\d\d bytes/),
      expect.stringMatching(/^error: oversized broadcast dropped: a message is 20\d\d bytes/),
      'error: oversized task rejected for good: the task is 1500 bytes, over the limit of ' +
        '1000 bytes (maxMessageBytes) (message raw-big from ' +
        replies +
        ')',
    ])
  })
})
