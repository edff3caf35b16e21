/**
 * Bad messages never take a worker down: malformed tasks, RPCs and broadcasts, and launches it
 * cannot run (unknown definition, invalid inputs, a pid that breaks the rule or names another
 * process) are each refused, logged in one line that says what, why and from whom, and the
 * worker goes on serving.
 */
import { connect } from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { RemoteError } from '../../lib/comms/errors.js'
import { expectedTotal, Pipeline } from '../../examples/scaling/definitions.js'
import { amqpUrl, freshPgDatabase, type FreshDatabase } from '../support/services.js'
import { freshPrefix, killAllWorkers, removeTopology, scratchDir, startWorker } from './harness.js'

const refusal = (promise: Promise<unknown>): Promise<RemoteError> =>
  promise.then(
    () => {
      throw new Error('expected a refusal')
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(RemoteError)
      return error as RemoteError
    },
  )

describe('a worker sent bad messages', () => {
  let db: FreshDatabase
  const prefix = freshPrefix('malformed')
  const dir = scratchDir('malformed')

  beforeAll(async () => {
    db = await freshPgDatabase('worker_malformed')
  })
  afterAll(async () => {
    await killAllWorkers()
    await removeTopology(amqpUrl(), prefix).catch(() => undefined)
    await db?.drop()
  })

  it('refuses and logs each one, and keeps serving', async () => {
    const worker = await startWorker({ name: 'a', broker: amqpUrl(), store: db.url, prefix, dir })
    const communicator = await AmqpCommunicator.connect(amqpUrl(), { prefix })
    const raw = await connect(amqpUrl())
    try {
      const controller = new RemoteProcessController(communicator)
      const lines = (pattern: RegExp) =>
        worker
          .log()
          .split('\n')
          .filter((l) => pattern.test(l))

      // Not even an envelope: dropped by the communicator, with its id and reply queue.
      const channel = await raw.createConfirmChannel()
      channel.sendToQueue(`${prefix}.tasks`, Buffer.from('not JSON'), {
        correlationId: 'raw-task-1',
        replyTo: 'raw-sender',
      })
      await channel.waitForConfirms()
      await worker.waitForLog(
        /malformed task rejected for good: not JSON.*raw-task-1 from raw-sender/,
      )

      // An envelope, but not a launcher task.
      const bogus = await refusal(communicator.taskSend({ task: 'dance', pid: 'x' }))
      expect(bogus.remoteName).toBe('InvalidMessageError')
      await worker.waitForLog(/warning: malformed task refused: .*\(message \S+ from amq\.gen-/)

      // Launches it cannot run: nothing is created, the sender learns why.
      const unknown = await refusal(controller.launchProcess('NoSuchThing', {}, { pid: 'u1' }))
      expect(unknown.remoteName).toBe('UnknownDefinitionError')
      await worker.waitForLog(/warning: launch NoSuchThing u1 refused: no definition named/)
      const invalid = await refusal(controller.launchProcess(Pipeline, { n: 'x' }, { pid: 'i1' }))
      expect(invalid.remoteName).toBe('InvalidInputsError')
      await worker.waitForLog(/warning: launch Pipeline i1 refused: .*\(message \S+ from amq\./)

      // A malformed RPC to a live process and a malformed broadcast to all of them.
      const pid = (await controller.launchProcess(
        Pipeline,
        { n: 100_000 },
        { nowait: true },
      )) as string
      const rpc = await refusal(communicator.rpcSend(pid, { intent: 'dance' }))
      expect(rpc.remoteName).toBe('InvalidMessageError')
      await worker.waitForLog(new RegExp(`warning: malformed RPC to ${pid} refused: .*from amq\\.`))
      await communicator.broadcastSend(
        { intent: 'dance' },
        { subject: 'intent.dance', sender: 'tester' },
      )
      await worker.waitForLog(
        /warning: control broadcast intent\.dance not obeyed: 'dance' is not an intent .*from tester/,
      )

      // A pid with a NUL: refused where it enters, before PostgreSQL sees it.
      const nul = await refusal(
        communicator.taskSend({ task: 'launch', definition: 'Pipeline', pid: 'a\u0000b' }),
      )
      expect(nul.remoteName).toBe('InvalidMessageError')
      expect(nul.message).toBe(
        'malformed message: pid: U+0000 at index 1 is not allowed (a pid holds A-Z a-z 0-9 _ -), ' +
          'got "a\\u0000b"',
      )
      // A pid that names another process: refused, naming both.
      const taken = await refusal(controller.launchProcess(Pipeline, { n: 4 }, { pid }))
      expect(taken.remoteName).toBe('PidConflictError')
      expect(taken.message).toBe(
        `pid ${pid} is already a Pipeline process with inputs {"n":100000}: refused to launch ` +
          'Pipeline with inputs {"n":4} under it (a pid means one process: use another pid)',
      )
      await worker.waitForLog(new RegExp(`warning: launch Pipeline ${pid} refused: pid ${pid} is`))

      // One line each, and the worker still works.
      expect(lines(/raw-task-1/)).toHaveLength(1)
      expect(lines(/u1 refused/)).toHaveLength(1)
      expect(lines(/i1 refused/)).toHaveLength(1)
      expect((await controller.getStatus(pid)).state).not.toBe('EXCEPTED')
      expect(await controller.launchProcess(Pipeline, { n: 3 })).toEqual({
        total: expectedTotal(3),
        rounds: 3,
      })
      expect(worker.child.exitCode).toBeNull()
      await controller.killProcess(pid)
    } finally {
      await raw.close()
      await communicator.close()
    }
    worker.signal('SIGTERM')
    expect((await worker.exited).code).toBe(0)
  }, 120_000)
})
