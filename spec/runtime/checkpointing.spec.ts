/**
 * The `checkpointing` plugin when a save fails: its `onError` is told, and on a strict runner the
 * process fails with a `CheckpointNotCommittedError`. An `onError` that throws is logged and
 * ignored, as a throwing listener is: the save's failure still reaches the process, once, and
 * nothing is left as an unhandled rejection.
 */
import { describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { checkpointing } from '../../lib/runtime/checkpointing.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { CheckpointNotCommittedError } from '../../lib/runtime/errors.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { quietRunner, recordingLogger, turns } from './helpers.js'
import { until } from './retry-entry-helpers.js'

const unhandled = recordUnhandledRejections()

/** Refuses every checkpoint of a RUNNING process. */
class RefusingStore extends InMemoryPersister {
  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    if (bundle.snapshot.state._tag === 'RUNNING') throw new Error('disk full')
    return super.saveCheckpoint(bundle, tag)
  }
}

const Twice = defineProcess({
  name: 'Twice',
  steps: { first: () => undefined },
})

describe('checkpointing', () => {
  it('logs an onError that throws, and still fails a strict process on the refused save', async () => {
    const { lines, logger } = recordingLogger()
    const told: string[] = []
    const plugin = checkpointing(new RefusingStore(), {
      onError: (error) => {
        told.push(String(error))
        throw new Error('the alert service is down')
      },
    })
    const runner = quietRunner({ plugins: [plugin], durability: 'strict', logger })
    const process = Twice.create(undefined, { runner })
    const done = process.execute().then(
      () => undefined,
      (error: unknown) => error,
    )
    await until(() => process.hasTerminated())
    await turns(5)
    expect(unhandled).toEqual([])
    expect(process.state).toBe('EXCEPTED')
    expect(await done).toBeInstanceOf(CheckpointNotCommittedError)
    expect(told).toEqual(['Error: disk full'])
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^error: .*onError of checkpointing threw on the failed save of .*: Error: the alert service is down$/,
      ),
    )
  })
})
