/** Revive never sends a continue task that a worker would refuse for its pid. */
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { Wait, defineProcess } from '../../lib/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { LocalOwnership } from '../../lib/worker/ownership.js'
import { revive } from '../../lib/worker/revive.js'

const Waiter = defineProcess({ name: 'Waiter', steps: { run: () => Wait('run') } })

describe('revive', () => {
  it('reports a stored process whose pid breaks the pid rule, and sends it nothing', async () => {
    const persister = new InMemoryPersister()
    const runner = new Runner({ logger: silentLogger })
    const good = bundle(Waiter.create({}, { runner, pid: 'good' }))
    const old = bundle(Waiter.create({}, { runner, pid: 'old' }))
    // Written before the rule existed: the same checkpoint under a pid with a dot.
    await persister.saveCheckpoint(good)
    await persister.saveCheckpoint({
      ...old,
      pid: 'old.1',
      snapshot: { ...old.snapshot, pid: 'old.1' },
    })
    const communicator = new LocalCommunicator({ logger: silentLogger })
    const sent: unknown[] = []
    await communicator.addTaskSubscriber((task) => sent.push(task))
    const ownership = new LocalOwnership('reviver')
    const registry = DefinitionRegistry.of(Waiter)
    const outcomes = await revive({ persister, ownership, communicator, registry })
    expect(outcomes).toHaveLength(2)
    expect(outcomes).toContainEqual({ _tag: 'Continued', pid: 'good', state: 'CREATED' })
    expect(outcomes).toContainEqual({
      _tag: 'Unresolvable',
      pid: 'old.1',
      reason:
        "its pid breaks the pid rule: '.' at index 3 is not allowed (a pid holds A-Z a-z 0-9 _ -)",
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(sent).toEqual([{ task: 'continue', pid: 'good' }])
    await communicator.close()
    await ownership.close()
  })
})
