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
})
