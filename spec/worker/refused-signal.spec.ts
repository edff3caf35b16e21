/**
 * A worker answers a signal sent to one of its processes once the checkpoint keeping it is
 * committed, where the durability mode keeps what was reported (strict, batched): when its
 * SQLite store refuses that checkpoint, the sender hears a `CheckpointNotCommittedError`, not
 * `true`. An async worker answers at once, as before.
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import type { RemoteError } from '../../lib/comms/errors.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { Approval, Approve } from '../runtime/signal-fixtures.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { scratchDir, waitUntil } from './harness.js'
import { startLocalWorker } from './local-worker.js'

const unhandled = recordUnhandledRejections()

/** A SQLite store that refuses, for good, every checkpoint keeping a signal in its inbox. */
class InboxRefusingStore extends SqlitePersister {
  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    if ((bundle.snapshot.inbox?.length ?? 0) > 0) throw new Error('value too long for the column')
    return super.saveCheckpoint(bundle, tag)
  }
}

const closing: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close()
})

/** A worker on its own SQLite store and local bus, and a controller that talks to it. */
const startWorker = async (durability: Durability) => {
  const path = join(mkdtempSync(join(scratchDir('refused-signal'), 'db-')), 'store.db')
  const store = new InboxRefusingStore({ path })
  closing.push(() => store.close())
  return startLocalWorker({ store, definition: Approval, durability, closing })
}

/** What the sender of an early approval hears, its process waiting for a note first. */
const signalAnswer = async (durability: Durability) => {
  const { worker, controller } = await startWorker(durability)
  const pid = `early-${durability}`
  void controller.launchProcess(Approval, { notes: 1 }, { pid }).catch(() => undefined)
  await waitUntil('the process to wait', () => worker.runner.get(pid)?.state === 'WAITING')
  await worker.store.written(pid)
  return controller.signal(pid, Approve, { by: 'jo' }).then(
    (value) => ({ value }),
    (error: unknown) => ({ error: error as RemoteError }),
  )
}

describe('a worker whose store refuses the checkpoint keeping a signal', () => {
  for (const durability of ['strict', 'batched'] as const)
    it(`${durability}: answers the signal with a CheckpointNotCommittedError`, async () => {
      const answer = await signalAnswer(durability)
      expect(answer).toEqual({
        error: expect.objectContaining({ remoteName: 'CheckpointNotCommittedError' }),
      })
      expect((answer as { error: Error }).error.message).toContain(
        `what was sent to early-${durability} was not committed (value too long for the column)`,
      )
      expect(unhandled).toEqual([])
    })

  it('async: answers true at once, as before', async () => {
    expect(await signalAnswer('async')).toEqual({ value: true })
    expect(unhandled).toEqual([])
  })
})
