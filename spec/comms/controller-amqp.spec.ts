/**
 * Processes, launchers and a controller over the real RabbitMQ of the test run: a process is
 * controllable once its `reachable` promise resolves, `executeProcess` with `nowait` answers the
 * pid, and a continue task that meets a launcher without a persister is passed on.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  DefinitionRegistry,
  InMemoryPersister,
  ProcessLauncher,
  RemoteError,
  RemoteProcessController,
  Runner,
  Wait,
  bundle,
  defineProcess,
  processControl,
  silentLogger,
  type Communicator,
  type Persister,
} from '../../lib/index.js'
import { amqpUrl } from '../support/services.js'
import { communicators, type CommunicatorSet } from './amqp-helpers.js'
import { rejectionOf } from './helpers.js'

const Waiter = defineProcess({
  name: 'Waiter',
  steps: { run: () => Wait('done'), done: () => undefined },
})

const Noop = defineProcess({ name: 'Noop', steps: { run: () => undefined } })

const registry = DefinitionRegistry.of(Waiter, Noop)

let set: CommunicatorSet | undefined
afterEach(async () => {
  await set?.cleanup()
  set = undefined
})

/** A worker's runner on `communicator`: processes answer RPC, and a launcher takes tasks. */
const worker = async (communicator: Communicator, persister?: Persister) => {
  const runner = new Runner({
    logger: silentLogger,
    ...(persister === undefined ? {} : { persister }),
  })
  runner.use(processControl(communicator, { logger: silentLogger }))
  const launcher = new ProcessLauncher({
    runner,
    registry,
    ...(persister === undefined ? {} : { persister }),
  })
  await launcher.subscribe(communicator)
  return runner
}

describe('a process on a runner with process control, over RabbitMQ', () => {
  it('answers a pause sent as soon as its reachable promise resolves', async () => {
    set = communicators(amqpUrl())
    const runner = new Runner({ logger: silentLogger })
    runner.use(processControl(await set.open(), { logger: silentLogger }))
    const controller = new RemoteProcessController(await set.open())
    for (let i = 0; i < 5; i++) {
      const process = Waiter.create({}, { runner })
      await process.reachable
      expect(await controller.pauseProcess(process.pid)).toBe(true)
      expect(process.paused).toBe(true)
    }
  })
})

describe('RemoteProcessController over RabbitMQ', () => {
  it('executeProcess with nowait resolves to the pid of a process that runs', async () => {
    set = communicators(amqpUrl())
    const persister = new InMemoryPersister()
    const runner = await worker(await set.open(), persister)
    const controller = new RemoteProcessController(await set.open())
    const pid = await controller.executeProcess(Waiter, {}, { nowait: true })
    expect(typeof pid).toBe('string')
    expect(runner.get(pid as string)?.state).toBe('WAITING')
    expect(await controller.getStatus(pid as string)).toMatchObject({ state: 'WAITING' })
    expect(await controller.killProcess(pid as string)).toBe(true)
  })

  it('passes a continue task from a launcher without a persister on to one with it', async () => {
    set = communicators(amqpUrl())
    const persister = new InMemoryPersister()
    const scratch = new Runner({ logger: silentLogger })
    const pids = ['stored-1', 'stored-2', 'stored-3', 'stored-4']
    for (const pid of pids)
      await persister.saveCheckpoint(bundle(Noop.create({}, { pid, runner: scratch })))
    await worker(await set.open())
    await worker(await set.open(), persister)
    const controller = new RemoteProcessController(await set.open())
    const outcomes = await Promise.all(pids.map((pid) => controller.continueProcess(pid)))
    expect(outcomes).toEqual(pids.map(() => ({})))
  })

  it('answers a continue task with the missing persister when no launcher has one', async () => {
    set = communicators(amqpUrl())
    await worker(await set.open())
    await worker(await set.open())
    const controller = new RemoteProcessController(await set.open())
    const error = await rejectionOf(controller.continueProcess('nowhere'))
    expect(error).toBeInstanceOf(RemoteError)
    expect(error).toMatchObject({
      remoteName: 'PersisterRequiredError',
      message: 'a continue task needs a launcher with a persister',
    })
  })
})
