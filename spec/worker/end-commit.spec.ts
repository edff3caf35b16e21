/**
 * A worker answers a launch once the end of its process is committed, where that is when a
 * process counts as ended (strict, batched): when its SQLite store refuses the last checkpoint,
 * the sender hears a `CheckpointNotCommittedError`, not the outputs, and the store keeps the
 * checkpoint before the end, from which the process can be continued.
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { RemoteError } from '../../lib/comms/errors.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { Counted } from '../workchain/helpers.js'
import { scratchDir } from './harness.js'
import { startLocalWorker } from './local-worker.js'

const unhandled = recordUnhandledRejections()

/** A SQLite store that refuses, for good, the FINISHED checkpoint of the pid `refused`. */
class EndRefusingStore extends SqlitePersister {
  constructor(
    path: string,
    private readonly refused: string,
  ) {
    super({ path })
  }

  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    if (bundle.pid === this.refused && bundle.snapshot.state._tag === 'FINISHED')
      throw new Error('value too long for the column')
    return super.saveCheckpoint(bundle, tag)
  }
}

const closing: (() => Promise<unknown>)[] = []

afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close()
})

/** A worker on its own SQLite store and local bus, and a controller that talks to it. */
const startWorker = async (durability: Durability, refused: string) => {
  const path = join(mkdtempSync(join(scratchDir('end-commit'), 'db-')), 'store.db')
  const store = new EndRefusingStore(path, refused)
  closing.push(() => store.close())
  const { controller } = await startLocalWorker({ store, definition: Counted, durability, closing })
  return { store, controller }
}

describe('a worker whose store refuses the last checkpoint of a process', () => {
  for (const durability of ['strict', 'batched'] as const)
    it(`${durability}: answers the launch with a CheckpointNotCommittedError`, async () => {
      const { store, controller } = await startWorker(durability, 'refused')
      const answer = controller
        .launchProcess(Counted, { n: 3 }, { pid: 'refused' })
        .catch((error: unknown) => error)
      const error = (await answer) as RemoteError
      expect(error).toBeInstanceOf(RemoteError)
      expect(error.remoteName).toBe('CheckpointNotCommittedError')
      expect(error.message).toMatch(
        /^the end of refused was not committed \(value too long for the column\)/,
      )
      // The store holds no end: a checkpoint from before it, from which a continue runs the last
      // steps again, or none (batched: the saves of a run of steps in one turn are one write).
      const stored = await store.loadCheckpoint('refused').then(
        (checkpoint) => checkpoint.snapshot.state._tag,
        () => 'none',
      )
      expect(durability === 'strict' ? ['RUNNING'] : ['none', 'CREATED', 'RUNNING']).toContain(
        stored,
      )
      // Another process, whose end the store takes, is answered as ever.
      expect(await controller.launchProcess(Counted, { n: 2 }, { pid: 'taken' })).toEqual({
        count: 2,
      })
      expect(unhandled).toEqual([])
    })

  it('async: answers with the outputs, ahead of the commit', async () => {
    const { controller } = await startWorker('async', 'refused')
    expect(await controller.launchProcess(Counted, { n: 3 }, { pid: 'refused' })).toEqual({
      count: 3,
    })
    expect(unhandled).toEqual([])
  })
})
