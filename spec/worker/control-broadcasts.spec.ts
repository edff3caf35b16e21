/**
 * Control broadcasts on real workers: one obeys them, one was started with
 * `--no-control-broadcasts`. `pauseAll` pauses the processes of the first only; a forged pause
 * whose subject does not say so pauses nothing; RPC to a pid works on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import {
  freshPrefix,
  killAllWorkers,
  removeTopology,
  scratchDir,
  startWorker,
  waitUntil,
} from './harness.js'

describe('workers and control broadcasts', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('control')
  const dir = scratchDir('control')

  beforeAll(async () => {
    db = await freshPgDatabase('worker_control')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('obey them unless told not to, and never when the subject does not say so', async () => {
    const common = { broker: amqpUrl(), store: db.url, prefix, dir, slots: 1 }
    const obeying = await startWorker({ ...common, name: 'obeying' })
    const refusing = await startWorker({
      ...common,
      name: 'refusing',
      args: ['--no-control-broadcasts'],
    })
    expect(refusing.log()).toMatch(/ready: .*, control broadcasts refused/)
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    try {
      const controller = new RemoteProcessController(communicator)
      // One slot each: a worker that runs a pipeline takes no other, so each gets one.
      const pids = ['long-1', 'long-2']
      for (const pid of pids)
        await controller.launchProcess(Pipeline, { n: 1e6 }, { pid, nowait: true })
      const ranBy = (pid: string) =>
        obeying.log().includes(`task launch Pipeline ${pid}`) ? 'obeying' : 'refusing'
      await waitUntil('each worker to take one', () => new Set(pids.map(ranBy)).size === 2)
      const mine = pids.find((pid) => ranBy(pid) === 'obeying')!
      const theirs = pids.find((pid) => ranBy(pid) === 'refusing')!
      const paused = async (pid: string) => (await controller.getStatus(pid)).paused

      // A forged pause: its body says pause, its subject does not.
      await communicator.broadcastSend(
        { intent: 'pause' },
        { subject: 'intent.nonsense', sender: 'forger' },
      )
      await obeying.waitForLog(/control broadcast intent\.nonsense not obeyed: .*from forger/)
      expect([await paused(mine), await paused(theirs)]).toEqual([false, false])

      await controller.pauseAll('everyone')
      await waitUntil('the obeying worker to pause its process', () => paused(mine))
      // The refusing worker is not even bound to the broadcast exchange: nothing reached it.
      expect(await paused(theirs)).toBe(false)
      expect(refusing.log()).not.toMatch(/not obeyed/)

      // RPC reaches both.
      expect(await controller.pauseProcess(theirs, 'by RPC')).toBe(true)
      expect(await paused(theirs)).toBe(true)
      for (const pid of pids) expect(await controller.killProcess(pid)).toBe(true)
    } finally {
      await communicator.close()
    }
    for (const worker of [obeying, refusing]) worker.signal('SIGTERM')
    for (const worker of [obeying, refusing]) expect((await worker.exited).code).toBe(0)
  }, 120_000)
})
