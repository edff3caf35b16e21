/**
 * What is sent to a process over a communicator (a signal, a resume, a pause, a play, a kill) is
 * answered, on a `strict` or `batched` runner, once the checkpoint recording it is committed: when
 * the store refuses that checkpoint, the sender hears a `CheckpointNotCommittedError`, never
 * `true`. An `async` runner answers at once, as it runs ahead of its commits.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { RemoteError } from '../../lib/comms/errors.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { processControl } from '../../lib/comms/process-control.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { quietRunner, turns } from './helpers.js'
import { Approval, Approve } from './signal-fixtures.js'

const unhandled = recordUnhandledRejections()

/** An in-memory store that refuses every save, for good, once told to. */
class RefusingStore extends InMemoryPersister {
  refusing = false

  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    if (this.refusing) throw new Error('value too long for the column')
    await super.saveCheckpoint(bundle, tag)
  }
}

const opened: LocalCommunicator[] = []
afterEach(async () => {
  for (const communicator of opened.splice(0)) await communicator.close()
})

/** What is sent, by a controller, to a process waiting for a note (so a signal is kept). */
const requests: Record<string, (controller: RemoteProcessController, pid: string) => unknown> = {
  signal: (controller, pid) => controller.signal(pid, Approve, { by: 'jo' }),
  resume: (controller, pid) => controller.resume(pid, 'yes'),
  pause: (controller, pid) => controller.pauseProcess(pid),
  play: (controller, pid) => controller.playProcess(pid),
  kill: (controller, pid) => controller.killProcess(pid),
}

/**
 * Send `request` to an Approval waiting for a note on a runner in `durability`, with the store
 * refusing from then on (a play is sent to a process paused before); what the sender hears.
 */
const answerWhenRefused = async (durability: Durability, request: string) => {
  const store = new RefusingStore()
  const runner = quietRunner({ persister: store, checkpoints: 'every-transition', durability })
  const communicator = new LocalCommunicator({ logger: silentLogger })
  opened.push(communicator)
  const control = processControl(communicator, { logger: silentLogger })
  runner.use(control)
  const process = Approval.create({ notes: 1 }, { runner, pid: `${request}-${durability}` })
  void process.stepUntilTerminated()
  await control.reachable(process.pid)
  const controller = new RemoteProcessController(communicator)
  if (request === 'play') await controller.pauseProcess(process.pid)
  await runner.flush()
  store.refusing = true
  const answer = await Promise.resolve(requests[request]?.(controller, process.pid)).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  await runner.flush()
  await turns()
  return answer
}

describe('what is sent to a process whose store refuses the checkpoint recording it', () => {
  for (const durability of ['strict', 'batched'] as const)
    for (const request of Object.keys(requests))
      it(`${durability}: a ${request} is answered with a CheckpointNotCommittedError`, async () => {
        const answer = await answerWhenRefused(durability, request)
        expect(answer).toEqual({ error: expect.any(RemoteError) })
        const error = (answer as { error: RemoteError }).error
        expect(error.remoteName).toBe('CheckpointNotCommittedError')
        expect(error.message).toContain(
          `what was sent to ${request}-${durability} was not committed ` +
            '(value too long for the column)',
        )
        expect(unhandled).toEqual([])
      })

  for (const request of Object.keys(requests))
    it(`async: a ${request} is answered true at once, as ever`, async () => {
      expect(await answerWhenRefused('async', request)).toEqual({ value: true })
      expect(unhandled).toEqual([])
    })
})
