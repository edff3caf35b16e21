/**
 * A launch on a store whose claims live in the worker's memory (SQLite) looks its pid up in the
 * store, as a launch delivered again must continue its stored process; a new pid, the common
 * case, is found missing without a `not-found` error being built and caught.
 */
import { join } from 'node:path'
import * as t from 'io-ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bundle, type Bundle } from '../../lib/checkpoint/bundle.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { ProcessLauncher } from '../../lib/comms/launcher.js'
import { out } from '../../lib/commands/index.js'
import { defineProcess, input, output } from '../../lib/index.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { LocalClaims, LocalOwnership } from '../../lib/worker/ownership.js'
import { WorkerStore } from '../../lib/worker/store.js'
import { scratchDir } from './harness.js'

const Doubler = defineProcess({
  name: 'Doubler',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

/** A real SQLite store that counts the loads that failed for want of a checkpoint. */
class CountingSqlite extends SqlitePersister {
  notFound = 0

  override async loadCheckpoint(pid: string, tag?: string): Promise<Bundle> {
    try {
      return await super.loadCheckpoint(pid, tag)
    } catch (error) {
      this.notFound += 1
      throw error
    }
  }
}

describe('a launch on SQLite', () => {
  let sqlite: CountingSqlite
  let launcher: ProcessLauncher

  beforeEach(() => {
    sqlite = new CountingSqlite({ path: join(scratchDir('launch-lookup'), 'store.db') })
    // As the worker command runs it: its store wrapper, claims in this program's memory.
    const persister = new WorkerStore(sqlite)
    const runner = new Runner({ persister, checkpoints: 'every-transition', logger: silentLogger })
    const ownership = new LocalOwnership('lookup', new LocalClaims())
    const registry = DefinitionRegistry.of(Doubler)
    launcher = new ProcessLauncher({ runner, registry, persister, ownership })
  })

  afterEach(async () => {
    await sqlite.close()
  })

  it('creates a new process without a failed load of its pid', async () => {
    const pid = 'fresh-1'
    expect(
      await launcher.handle({ task: 'launch', definition: 'Doubler', pid, inputs: { x: 2 } }),
    ).toEqual({ y: 4 })
    expect(sqlite.notFound).toBe(0)
    expect((await sqlite.loadCheckpoint(pid)).snapshot.state._tag).toBe('FINISHED')
  })

  it('continues a launch that comes again from its stored checkpoint', async () => {
    const pid = 'again-1'
    await sqlite.saveCheckpoint(bundle(new Runner().create(Doubler, { x: 5 }, { pid })))
    expect(
      await launcher.handle({ task: 'launch', definition: 'Doubler', pid, inputs: { x: 5 } }),
    ).toEqual({ y: 10 })
    expect(sqlite.notFound).toBe(0)
    expect((await sqlite.loadCheckpoint(pid)).snapshot.state._tag).toBe('FINISHED')
  })

  it('refuses a launch whose pid is stored with other inputs', async () => {
    const pid = 'other-1'
    await sqlite.saveCheckpoint(bundle(new Runner().create(Doubler, { x: 5 }, { pid })))
    await expect(
      launcher.handle({ task: 'launch', definition: 'Doubler', pid, inputs: { x: 6 } }),
    ).rejects.toThrow(/other-1/)
  })
})
