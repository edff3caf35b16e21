/**
 * Signals, and resumes (the signal without a name), through a controller to a process on another
 * runner, over the local communicator and over RabbitMQ: delivered, kept when early, refused
 * with the path, refused once terminated.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import type { Communicator } from '../../lib/comms/communicator.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { UnroutableError } from '../../lib/comms/errors.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { processControl } from '../../lib/comms/process-control.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { Approval, Approve, Verdict } from '../runtime/signal-fixtures.js'
import { amqpUrl } from '../support/services.js'
import { freshPrefix } from '../worker/harness.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

const kinds: [string, () => Promise<[Communicator, Communicator]>][] = [
  [
    'LocalCommunicator',
    async () => {
      const local = new LocalCommunicator({ logger: silentLogger })
      return [local, local]
    },
  ],
  [
    'AmqpCommunicator',
    async () => {
      const prefix = freshPrefix('signals')
      const connect = () => AmqpCommunicator.connect(amqpUrl(), { prefix, logger: silentLogger })
      return [await connect(), await connect()]
    },
  ],
]

describe.each(kinds)('controller.signal over the %s', (_name, open) => {
  const setup = async () => {
    const [workerSide, clientSide] = await open()
    closers.push(async () => {
      await clientSide.close()
      if (workerSide !== clientSide) await workerSide.close()
    })
    const runner = new Runner({ logger: silentLogger })
    const control = processControl(workerSide, { logger: silentLogger })
    runner.use(control)
    return { runner, control, controller: new RemoteProcessController(clientSide) }
  }

  it('delivers a signal, and an early one waits in the inbox', async () => {
    const { runner, control, controller } = await setup()
    const waiting = Approval.create({}, { runner })
    const done = waiting.execute()
    await control.reachable(waiting.pid)
    expect(await controller.signal(waiting.pid, Approve, { by: 'ann' })).toBe(true)
    expect(await done).toEqual({ by: 'ann' })

    const early = Approval.create({ notes: 1 }, { runner })
    const later = early.execute()
    await control.reachable(early.pid)
    await controller.signal(early.pid, Approve, { by: 'bob' })
    expect(early.snapshot.inbox).toEqual([{ name: 'approve', payload: { by: 'bob' } }])
    await controller.signalByName(early.pid, 'note', 'a note')
    expect(await later).toEqual({ by: 'bob' })
  })

  it('refuses a bad payload where the process checks it, and a terminated process', async () => {
    const { runner, control, controller } = await setup()
    const waiting = Approval.create({}, { runner })
    const done = waiting.execute()
    await control.reachable(waiting.pid)
    await expect(controller.signalByName(waiting.pid, 'approve', { by: 3 })).rejects.toThrow(
      /refused signal 'approve': payload\.by: expected string, got 3/,
    )
    expect(waiting.state).toBe('WAITING')
    await controller.signal(waiting.pid, Approve, { by: 'cy' })
    await done
    await expect(controller.signal(waiting.pid, Approve, { by: 'late' })).rejects.toThrow(
      UnroutableError,
    )
  })

  it('resumes a process waiting for a resume, keeps an early one, refuses a bad value there', async () => {
    const { runner, control, controller } = await setup()
    const waiting = Verdict.create({}, { runner })
    const done = waiting.execute()
    await control.reachable(waiting.pid)
    await expect(controller.resume(waiting.pid, 5)).rejects.toThrow(
      /refused the resume value: value: expected string, got 5/,
    )
    expect(waiting.state).toBe('WAITING')
    expect(await controller.resume(waiting.pid, 'yes')).toBe(true)
    expect(await done).toEqual({ verdict: 'yes' })
    await expect(controller.resume(waiting.pid, 'late')).rejects.toThrow(UnroutableError)

    const early = Verdict.create({ notes: 1 }, { runner })
    const later = early.execute()
    await control.reachable(early.pid)
    expect(await controller.resume(early.pid, 'kept')).toBe(true)
    expect(await controller.resume(early.pid, 'again')).toBe(true)
    expect(early.snapshot.inbox).toEqual([{ payload: 'kept' }])
    expect((await controller.getStatus(early.pid)).inbox).toEqual([{ kind: 'resume' }])
    await controller.signalByName(early.pid, 'note', 'a note')
    expect(await later).toEqual({ verdict: 'kept' })
  })
})
