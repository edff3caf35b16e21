/**
 * A launch's claim in PostgreSQL reads, in the same round trip, whether its pid already has a
 * checkpoint: a new process is created without reading the store again, and a launch task that
 * comes again still continues from the checkpoint its claim found.
 */
import * as t from 'io-ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle, type Bundle } from '../../lib/checkpoint/bundle.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { ProcessLauncher } from '../../lib/comms/launcher.js'
import { defineProcess, input, output } from '../../lib/index.js'
import { out } from '../../lib/commands/index.js'
import type { Persister } from '../../lib/persistence/persister.js'
import { PostgresPersister } from '../../lib/persistence/postgres/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { PostgresOwnership } from '../../lib/worker/postgres-ownership.js'
import { freshPgDatabase, type FreshDatabase } from '../support/services.js'

const Doubler = defineProcess({
  name: 'Doubler',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

/** The real store, counting the checkpoints read from it. */
const countingLoads = (store: Persister) => {
  const counted = {
    loads: 0,
    saveCheckpoint: (data: Bundle, tag?: string) => store.saveCheckpoint(data, tag),
    loadCheckpoint: (pid: string, tag?: string) => {
      counted.loads += 1
      return store.loadCheckpoint(pid, tag)
    },
    getCheckpoints: () => store.getCheckpoints(),
    getProcessCheckpoints: (pid: string) => store.getProcessCheckpoints(pid),
    deleteCheckpoint: (pid: string, tag?: string) => store.deleteCheckpoint(pid, tag),
    deleteProcessCheckpoints: (pid: string) => store.deleteProcessCheckpoints(pid),
    close: () => store.close(),
  }
  return counted
}

describe('a launch claimed in PostgreSQL', () => {
  let db: FreshDatabase
  let store: PostgresPersister
  let ownership: PostgresOwnership

  beforeAll(async () => {
    db = await freshPgDatabase('claim_reads')
    store = new PostgresPersister({ connectionString: db.url })
    ownership = await PostgresOwnership.connect({ url: db.url, store, name: 'reader' })
  })

  afterAll(async () => {
    await ownership?.close()
    await store?.close()
    await db?.drop()
  })

  const launcherOn = () => {
    const persister = countingLoads(store)
    const runner = new Runner({ persister, checkpoints: 'every-transition', logger: silentLogger })
    const registry = DefinitionRegistry.of(Doubler)
    return { persister, launcher: new ProcessLauncher({ runner, registry, persister, ownership }) }
  }

  it('says whether the store held a checkpoint of each pid it claims', async () => {
    await store.saveCheckpoint(bundle(new Runner().create(Doubler, { x: 1 }, { pid: 'kept-1' })))
    const [kept, fresh] = await Promise.all([
      ownership.claimChecked('kept-1'),
      ownership.claimChecked('fresh-0'),
    ])
    expect(kept).toEqual({ claimed: true, stored: true })
    expect(fresh).toEqual({ claimed: true, stored: false })
    // Held already: no statement runs, so nothing is known of the store.
    expect(await ownership.claimChecked('kept-1')).toEqual({ claimed: true, stored: undefined })
    await ownership.release('kept-1')
    await ownership.release('fresh-0')
  })

  it('creates a new process without reading the store again', async () => {
    const { persister, launcher } = launcherOn()
    const pid = 'fresh-1'
    expect(
      await launcher.handle({ task: 'launch', definition: 'Doubler', pid, inputs: { x: 2 } }),
    ).toEqual({ y: 4 })
    expect(persister.loads).toBe(0)
    expect((await store.loadCheckpoint(pid)).snapshot.state._tag).toBe('FINISHED')
  })

  it('continues a launch task that comes again from the checkpoint its claim found', async () => {
    const { persister, launcher } = launcherOn()
    const pid = 'again-1'
    await store.saveCheckpoint(bundle(new Runner().create(Doubler, { x: 5 }, { pid })))
    expect(
      await launcher.handle({ task: 'launch', definition: 'Doubler', pid, inputs: { x: 5 } }),
    ).toEqual({ y: 10 })
    expect(persister.loads).toBeGreaterThan(0)
    expect((await store.loadCheckpoint(pid)).snapshot.state._tag).toBe('FINISHED')
  })
})
