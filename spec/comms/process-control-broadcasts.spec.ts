/**
 * `processControl` and control broadcasts, over the LocalCommunicator: a broadcast is obeyed only
 * when its subject says what and for whom, and a runner can refuse control broadcasts altogether.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { intentSubject } from '../../lib/comms/control-broadcasts.js'
import {
  LocalCommunicator,
  RemoteProcessController,
  Runner,
  Wait,
  defineProcess,
  processControl,
  silentLogger,
  type ProcessControlOptions,
} from '../../lib/index.js'
import { recordingLogger, waitFor } from './helpers.js'

const Waiter = defineProcess({ name: 'Waiter', steps: { run: () => Wait('run') } })

const opened: LocalCommunicator[] = []
afterEach(async () => {
  for (const communicator of opened.splice(0)) await communicator.close()
})

/** Two waiting processes on a runner exposed on a communicator. */
const setup = async (options: Omit<ProcessControlOptions, 'logger'> = {}) => {
  const communicator = new LocalCommunicator({ logger: silentLogger })
  opened.push(communicator)
  const logger = recordingLogger()
  const runner = new Runner({ logger: silentLogger })
  const control = processControl(communicator, { logger, ...options })
  runner.use(control)
  const a = Waiter.create({}, { runner, pid: 'a' })
  const b = Waiter.create({}, { runner, pid: 'b' })
  for (const process of [a, b]) {
    void process.stepUntilTerminated()
    await control.reachable(process.pid)
  }
  await waitFor('both to wait', () => a.state === 'WAITING' && b.state === 'WAITING')
  return { communicator, logger, a, b, controller: new RemoteProcessController(communicator) }
}

/** Lets every delivery of the LocalCommunicator run (it delivers on later turns). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

describe('processControl and control broadcasts', () => {
  it('does not obey a pause whose subject does not say pause, and logs who sent it', async () => {
    const { communicator, logger, a, b } = await setup()
    for (const subject of ['intent.bogus', 'intent', 'intent.play', 'intent.pause.a.b'])
      await communicator.broadcastSend({ intent: 'pause' }, { subject, sender: 'forger' })
    await settle()
    expect([a.paused, b.paused]).toEqual([false, false])
    expect(logger.lines).toEqual([
      "warn: control broadcast intent.bogus not obeyed: 'bogus' is not an intent obeyed by " +
        'broadcast (pause, play or kill) (from forger)',
      'warn: control broadcast intent not obeyed: its subject is neither intent.<intent> nor ' +
        'intent.<intent>.<pid> (from forger)',
      'warn: control broadcast intent.play not obeyed: its body asks to pause, its subject to ' +
        'play (from forger)',
      'warn: control broadcast intent.pause.a.b not obeyed: its subject is neither ' +
        'intent.<intent> nor intent.<intent>.<pid> (from forger)',
    ])
  })

  it('obeys a broadcast addressed to one pid in that process only', async () => {
    const { communicator, a, b } = await setup()
    await communicator.broadcastSend(
      { intent: 'kill', message: 'only a' },
      { subject: intentSubject('kill', 'a') },
    )
    await waitFor('a to be killed', () => a.state === 'KILLED')
    await settle()
    expect(b.state).toBe('WAITING')
  })

  it('obeys pauseAll and playAll in every process', async () => {
    const { controller, a, b } = await setup()
    await controller.pauseAll('everyone')
    await waitFor('both paused', () => a.paused && b.paused)
    await controller.playAll()
    await waitFor('both played', () => !a.paused && !b.paused)
  })

  it('refuses every control broadcast with controlBroadcasts: false, and still answers RPC', async () => {
    const { communicator, controller, logger, a, b } = await setup({ controlBroadcasts: false })
    // Not subscribed at all: nothing sent on the broadcast exchange reaches the processes.
    expect(communicator.bus.broadcasts.size).toBe(0)
    await controller.pauseAll('everyone')
    await controller.killAll('everyone')
    await settle()
    expect([a.paused, a.state, b.paused, b.state]).toEqual([false, 'WAITING', false, 'WAITING'])
    expect(logger.lines).toEqual([])
    expect(await controller.pauseProcess('a')).toBe(true)
    expect(a.paused).toBe(true)
  })
})
