/**
 * The RabbitMQ communicator, and a controller on it, across broker outages: a private broker
 * (restarting or stopping the suite's shared one would disturb the other spec files).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import {
  BrokerUnreachableError,
  ConnectionLostError,
  ResendWindowExpiredError,
} from '../../lib/comms/errors.js'
import {
  restartBroker,
  startPrivateBroker,
  stopBroker,
  type PrivateBroker,
} from '../support/services.js'
import { communicators, type CommunicatorSet } from './amqp-helpers.js'
import { gate, recordingLogger, rejectionOf, waitFor } from './helpers.js'

const fast = { reconnect: { initialDelayMs: 100, maxDelayMs: 500 } }

describe('AmqpCommunicator across a broker restart', () => {
  let broker: PrivateBroker
  const sets: CommunicatorSet[] = []
  const fresh = () => {
    const set = communicators(broker.url)
    sets.push(set)
    return set
  }
  beforeAll(async () => {
    broker = await startPrivateBroker()
  }, 120_000)
  afterAll(async () => {
    for (const set of sets) await set.cleanup().catch(() => undefined)
    await broker?.stop()
  }, 120_000)

  it('reconnects, restores every subscriber, fails what was in flight', async () => {
    const set = fresh()
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

  it('sends a launch whose connection dropped again, and its caller gets the answer', async () => {
    const set = fresh()
    const client = await set.open(fast)
    const worker = await set.open(fast)
    const logger = recordingLogger()
    const controller = new RemoteProcessController(client, { logger })
    // Before the restart the task is held and never answered (its reply queue dies with the
    // connection anyway); after it, every copy is answered.
    let restarted = false
    const deliveries: { pid: unknown; redelivered: boolean }[] = []
    await worker.addTaskSubscriber((task, { redelivered }) => {
      deliveries.push({ pid: (task as { pid: unknown }).pid, redelivered })
      return restarted ? { y: 42 } : new Promise(() => undefined)
    })
    const launched = controller.launchProcess('Double', { x: 21 }, { pid: 'resent-1' })
    await waitFor('the first delivery', () => deliveries.length === 1)
    const restarting = restartBroker(broker)
    await waitFor('the disconnection', () => !client.isConnected(), 60_000)
    restarted = true
    await restarting
    expect(await launched).toEqual({ y: 42 })
    expect(deliveries.every((delivery) => delivery.pid === 'resent-1')).toBe(true)
    expect(logger.lines).toEqual([
      'warn: launch Double resent-1: the connection to the broker dropped before the answer; ' +
        'sending it again as soon as the broker is back (for up to 60000 ms)',
    ])
  }, 120_000)

  it('withdraws what waits too long for the broker; a controller gives up after its window', async () => {
    const set = fresh()
    const client = await set.open(fast)
    const worker = await set.open(fast)
    const logger = recordingLogger()
    const controller = new RemoteProcessController(client, { logger, resendWindowMs: 2_000 })
    const taken: unknown[] = []
    await worker.addTaskSubscriber((task) => {
      taken.push(task)
      return typeof task === 'string' ? `done ${task}` : new Promise(() => undefined)
    })
    const launched = rejectionOf(controller.launchProcess('Slow', {}, { pid: 'given-up' }))
    await waitFor('the launch to be taken', () => taken.length === 1)
    await stopBroker(broker)
    await waitFor('the disconnection', () => !client.isConnected(), 60_000)
    const withdrawn = await rejectionOf(client.taskSend('withdrawn', { queueWithinMs: 300 }))
    expect(withdrawn).toBeInstanceOf(BrokerUnreachableError)
    expect((withdrawn as Error).message).toBe(
      'the broker was not reachable within 300 ms: taskSend not sent',
    )
    const gaveUp = await launched
    expect(gaveUp).toBeInstanceOf(ResendWindowExpiredError)
    expect(gaveUp).toBeInstanceOf(ConnectionLostError)
    expect(gaveUp).toMatchObject({ pid: 'given-up', windowMs: 2_000 })
    expect((gaveUp as Error).message).toMatch(
      /^launch Slow given-up: the connection to the broker was lost and did not come back within 2000 ms, so it was not sent again; process given-up may still run/,
    )
    const after = client.taskSend('after')
    await restartBroker(broker)
    expect(await after).toBe('done after')
    // The withdrawn task never went out: the task sent after it is the only string taken.
    expect(taken.filter((task) => typeof task === 'string')).toEqual(['after'])
  }, 120_000)
})
