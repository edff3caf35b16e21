import { describe, expect, it } from 'vitest'
import { InMemoryPersister, type MemoryStore } from '../../lib/persistence/memory.js'
import { persisterConformance, expectSame } from './conformance.js'
import { runningChain } from './fixtures.js'

persisterConformance('InMemoryPersister', async () => {
  const store: MemoryStore = new Map()
  const persister = new InMemoryPersister({ store })
  return {
    persister,
    cleanup: () => persister.close(),
    corrupt: async (pid, tag, body = '{"v":1,"pid":') => {
      store.get(pid)?.set(tag, body)
    },
    another: async () => new InMemoryPersister({ store }),
  }
})

describe('InMemoryPersister', () => {
  it('shares checkpoints between persisters over one store, as after a restart', async () => {
    const store: MemoryStore = new Map()
    await new InMemoryPersister({ store }).saveCheckpoint(runningChain)
    expectSame(
      await new InMemoryPersister({ store }).loadCheckpoint(runningChain.pid),
      runningChain,
    )
  })

  it('stores text, never the bundle it was given', async () => {
    const store: MemoryStore = new Map()
    await new InMemoryPersister({ store }).saveCheckpoint(runningChain, 't')
    expect(typeof store.get(runningChain.pid)?.get('t')).toBe('string')
  })

  it('lists the time of the first save and of the last, as they were when listed', async () => {
    let now = 1_000
    const persister = new InMemoryPersister({ clock: () => now })
    await persister.saveCheckpoint(runningChain)
    const first = await persister.listProcesses({})
    now = 2_000
    await persister.saveCheckpoint(runningChain, 'tagged')
    await persister.saveCheckpoint(runningChain)
    const second = await persister.listProcesses({})
    expect(first.rows.map(({ created, modified }) => [created, modified])).toEqual([[1_000, 1_000]])
    expect(second.rows.map(({ created, modified }) => [created, modified])).toEqual([
      [1_000, 2_000],
    ])
    await persister.deleteCheckpoint(runningChain.pid)
    await persister.saveCheckpoint(runningChain)
    const third = await persister.listProcesses({})
    expect(third.rows.map(({ created, modified }) => [created, modified])).toEqual([[2_000, 2_000]])
  })
})
