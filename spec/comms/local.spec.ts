import { describe, expect, it } from 'vitest'
import { TaskRejected } from '../../lib/comms/errors.js'
import { LocalBus } from '../../lib/comms/local/bus.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { communicatorConformance } from './conformance.js'
import { recordingLogger, sleep, waitFor } from './helpers.js'

communicatorConformance('LocalCommunicator', async () => {
  const bus = new LocalBus()
  const logger = recordingLogger()
  const a = new LocalCommunicator({ bus, logger })
  const b = new LocalCommunicator({ bus, logger })
  return { a, b, cleanup: async () => void (await Promise.all([a.close(), b.close()])) }
})

describe('LocalCommunicator', () => {
  it('works alone, on a bus of its own', async () => {
    const communicator = new LocalCommunicator()
    await communicator.addTaskSubscriber((task) => (task as { x: number }).x * 2)
    expect(await communicator.taskSend({ x: 21 })).toBe(42)
    await communicator.close()
  })

  it('gives the tasks a closed communicator held unacknowledged to another, redelivered', async () => {
    const bus = new LocalBus()
    const [worker, other, client] = [1, 2, 3].map(() => new LocalCommunicator({ bus }))
    const first: unknown[] = []
    await worker!.addTaskSubscriber((task) => {
      first.push(task)
      return new Promise(() => undefined) // a worker that never finishes
    })
    const result = client!.taskSend('survives its worker')
    await waitFor('the first worker', () => first.length === 1)
    await other!.addTaskSubscriber((task, { redelivered }) => ({ task, redelivered }))
    await worker!.close()
    expect(await result).toEqual({ task: 'survives its worker', redelivered: true })
    await Promise.all([other!.close(), client!.close()])
  })

  it('keeps a task every subscriber rejected until a new subscriber comes', async () => {
    const communicator = new LocalCommunicator()
    let rejections = 0
    await communicator.addTaskSubscriber(() => {
      rejections += 1
      throw new TaskRejected()
    })
    const result = communicator.taskSend('nobody wants it')
    await waitFor('the rejection', () => rejections === 1)
    await sleep(50)
    expect(rejections).toBe(1) // offered once, not bounced around
    await communicator.addTaskSubscriber((task) => `finally ${String(task)}`)
    expect(await result).toBe('finally nobody wants it')
    await communicator.close()
  })

  it('copies messages through JSON, so the sender and the handler never share objects', async () => {
    const communicator = new LocalCommunicator()
    const sent = { list: [1] }
    let received: { list: number[] } | undefined
    await communicator.addTaskSubscriber((task) => {
      received = task as { list: number[] }
      received.list.push(2)
      return received
    })
    const result = await communicator.taskSend(sent)
    expect(sent).toEqual({ list: [1] })
    expect(result).toEqual({ list: [1, 2] })
    expect(result).not.toBe(received)
    await communicator.close()
  })

  it('logs a broadcast subscriber that throws', async () => {
    const logger = recordingLogger()
    const communicator = new LocalCommunicator({ logger })
    await communicator.addBroadcastSubscriber(() => {
      throw new Error('listener bug')
    })
    await communicator.broadcastSend('x')
    await waitFor('the log line', () => logger.lines.length === 1)
    expect(logger.lines[0]).toMatch(/listener bug/)
    await communicator.close()
  })
})
