/**
 * A signal kept in the inbox is checkpointed at once, though nothing else changed; and over a
 * communicator, where the durability mode keeps what was reported (strict, batched), the sender
 * hears that it was accepted only once the checkpoint holding it is committed, as it does of a
 * pause (`refused-signals.spec.ts`: when that checkpoint is refused).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { processControl } from '../../lib/comms/process-control.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { quietRunner } from './helpers.js'
import { Approval, Approve, Note } from './signal-fixtures.js'
import { GatedStore } from './gated-store.js'

const inboxOf = async (store: InMemoryPersister, pid: string) =>
  (await store.loadCheckpoint(pid)).snapshot.inbox

const opened: LocalCommunicator[] = []
afterEach(async () => {
  for (const communicator of opened.splice(0)) await communicator.close()
})

/**
 * Send a signal (or a pause) over a communicator to a process on a runner in `durability`, its
 * store holding the commit: whether the sender heard back before the commit.
 */
const overCommunicator = async (durability: Durability, request: 'signal' | 'pause') => {
  const store = new GatedStore()
  const runner = quietRunner({ persister: store, checkpoints: 'every-transition', durability })
  const communicator = new LocalCommunicator({ logger: silentLogger })
  opened.push(communicator)
  const control = processControl(communicator, { logger: silentLogger })
  runner.use(control)
  const process = Approval.create({ notes: 1 }, { runner, pid: `gated-${request}-${durability}` })
  void process.stepUntilTerminated()
  await control.reachable(process.pid)
  await runner.flush()
  store.hold()
  const controller = new RemoteProcessController(communicator)
  let answered = false
  const sent = (
    request === 'signal'
      ? controller.signal(process.pid, Approve, { by: 'jo' })
      : controller.pauseProcess(process.pid)
  ).then(() => {
    answered = true
  })
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
  const answeredBeforeCommit = answered
  store.letThrough()
  await sent
  const stored = (await store.loadCheckpoint(process.pid)).snapshot
  if (request === 'signal')
    expect(stored.inbox).toEqual([{ name: 'approve', payload: { by: 'jo' } }])
  else expect(stored.paused).toBe(true)
  return answeredBeforeCommit
}

describe('a signal kept in the inbox', () => {
  it('is checkpointed at once, and a process loaded from that checkpoint gets it', async () => {
    const store = new InMemoryPersister()
    const runner = quietRunner({ persister: store, checkpoints: 'every-transition' })
    const first = Approval.create({ notes: 1 }, { runner, pid: 'kept' })
    void first.stepUntilTerminated()
    await runner.flush()
    expect(first.state).toBe('WAITING') // for a note: the approval comes early
    first.signal(Approve, { by: 'ivy' })
    await runner.flush()
    expect(await inboxOf(store, 'kept')).toEqual([{ name: 'approve', payload: { by: 'ivy' } }])
    // The runner is gone (a crash): another loads the process and sends the note.
    const again = await loadProcess(
      quietRunner({ persister: store }),
      store,
      DefinitionRegistry.of(Approval),
      'kept',
    )
    const done = again.stepUntilTerminated()
    again.signal(Note, 'now')
    await done
    expect(again.outputs).toEqual({ by: 'ivy' })
  })

  it('is acknowledged to a remote sender only once committed, in strict and batched modes', async () => {
    expect(await overCommunicator('strict', 'signal')).toBe(false)
    expect(await overCommunicator('batched', 'signal')).toBe(false)
  })

  it('is acknowledged at once in async mode, which promises nothing of the kind', async () => {
    expect(await overCommunicator('async', 'signal')).toBe(true)
  })
})

describe('a pause sent over a communicator', () => {
  it('is answered only once committed in strict and batched modes, at once in async', async () => {
    expect(await overCommunicator('strict', 'pause')).toBe(false)
    expect(await overCommunicator('batched', 'pause')).toBe(false)
    expect(await overCommunicator('async', 'pause')).toBe(true)
  })
})
