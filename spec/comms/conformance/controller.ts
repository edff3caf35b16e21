/**
 * Conformance cases: a `RemoteProcessController` checks the answers it gets. Part of
 * `communicatorConformance` (../conformance.ts): the answers cross the transport like any other.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import type { Communicator } from '../../../lib/comms/communicator.js'
import { RemoteProcessController } from '../../../lib/comms/controller.js'
import { MalformedReplyError } from '../../../lib/comms/errors.js'
import { rejectionOf } from '../helpers.js'
import type { Peers } from './peers.js'

/** Declares the controller cases; `peers.current()` gives the pair of the running test. */
export const controllerCases = (peers: Peers): void => {
  describe('RemoteProcessController replies', () => {
    let b: Communicator
    let controller: RemoteProcessController
    beforeEach(() => {
      const pair = peers.current()
      b = pair.b
      controller = new RemoteProcessController(pair.a)
    })

    it('passes a well-formed status and boolean through', async () => {
      const status = { ctime: 1, paused: false, process_string: '<P> (WAITING)', state: 'WAITING' }
      await b.addRpcSubscriber((message) => {
        const { intent } = message as { intent: string }
        return intent === 'status' ? status : true
      }, 'fine')
      expect(await controller.getStatus('fine')).toEqual(status)
      expect(await controller.pauseProcess('fine')).toBe(true)
    })

    it('rejects a malformed status or boolean with a MalformedReplyError', async () => {
      await b.addRpcSubscriber((message) => {
        const { intent } = message as { intent: string }
        return intent === 'status' ? { state: 3, paused: 'no' } : 'yes'
      }, 'odd')
      const status = await rejectionOf(controller.getStatus('odd'))
      expect(status).toBeInstanceOf(MalformedReplyError)
      expect((status as MalformedReplyError).request).toBe('getStatus(odd)')
      expect((status as Error).message).toMatch(/ctime: expected number, got undefined/)
      expect((status as Error).message).toMatch(/paused: expected boolean, got "no"/)
      const kill = await rejectionOf(controller.killProcess('odd'))
      expect(kill).toBeInstanceOf(MalformedReplyError)
      expect((kill as Error).message).toBe(
        'malformed reply to kill of odd: message: expected boolean, got "yes"',
      )
    })

    it('rejects a nowait launch answered with something else than a pid', async () => {
      await b.addTaskSubscriber(() => ({ pid: 'not a string' }))
      const launch = await rejectionOf(controller.launchProcess('P', {}, { nowait: true }))
      expect(launch).toBeInstanceOf(MalformedReplyError)
      expect((launch as MalformedReplyError).request).toBe('launchProcess(P, nowait)')
      // Outputs are the process's own: passed as they are.
      expect(await controller.launchProcess('P')).toEqual({ pid: 'not a string' })
    })
  })
}
