/**
 * `RemoteProcessController` over the LocalCommunicator: every pid it is given is checked before
 * anything is sent. (Re-sending across a dropped connection needs a broker that goes away: see
 * amqp-restart.spec.ts and spec/worker/broker-restart.spec.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { InvalidPidError } from '../../lib/runtime/pid.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { rejectionOf } from './helpers.js'

const opened: LocalCommunicator[] = []
afterEach(async () => {
  for (const communicator of opened.splice(0)) await communicator.close()
})

describe('RemoteProcessController', () => {
  it('refuses a pid that breaks the rule, naming the method, and sends nothing', async () => {
    const communicator = new LocalCommunicator({ logger: silentLogger })
    opened.push(communicator)
    const sent: unknown[] = []
    await communicator.addTaskSubscriber((task) => sent.push(task))
    const controller = new RemoteProcessController(communicator)
    const calls: [string, Promise<unknown>][] = [
      ['launchProcess', controller.launchProcess('P', {}, { pid: 'a\u0000b' })],
      ['continueProcess', controller.continueProcess('a.b')],
      ['getStatus', controller.getStatus('')],
      ['pauseProcess', controller.pauseProcess('p*')],
      ['playProcess', controller.playProcess('p q')],
      ['killProcess', controller.killProcess('x'.repeat(129))],
    ]
    for (const [method, call] of calls) {
      const error = await rejectionOf(call)
      expect(error, method).toBeInstanceOf(InvalidPidError)
      expect((error as InvalidPidError).where).toBe(method)
    }
    expect((await rejectionOf(calls[0]![1])) as Error).toHaveProperty(
      'message',
      'invalid pid "a\\u0000b" given to launchProcess: U+0000 at index 1 is not allowed ' +
        '(a pid holds A-Z a-z 0-9 _ -)',
    )
    expect(await controller.launchProcess('P', {}, { pid: 'fine-1' })).toBe(1)
    expect(sent).toEqual([expect.objectContaining({ pid: 'fine-1' })])
  })

  it('refuses a negative re-send window', () => {
    const communicator = new LocalCommunicator({ logger: silentLogger })
    opened.push(communicator)
    expect(() => new RemoteProcessController(communicator, { resendWindowMs: -1 })).toThrow(
      RangeError,
    )
  })
})
