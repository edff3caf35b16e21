/**
 * A checkpoint a step asks for (`checkpoint(tag)`) that the store refuses: on a `strict` runner
 * the process does not go on as if it were saved, it fails before its next step with a
 * `CheckpointNotCommittedError`, as for a refused automatic checkpoint; `batched` and `async`
 * runners log it and run on, as they run ahead of their commits anyway.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import type { Bundle } from '../../lib/checkpoint/bundle.js'
import { checkpoint, out } from '../../lib/commands/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { output } from '../../lib/ports/index.js'
import { defineWorkChain } from '../../lib/runtime/define.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { CheckpointNotCommittedError } from '../../lib/runtime/errors.js'
import { recordUnhandledRejections } from '../support/unhandled.js'
import { quietRunner, recordingLogger, turns } from './helpers.js'

const unhandled = recordUnhandledRejections()

/** Asks for a checkpoint tagged 'mark' in its first step; its second step outputs `done`. */
const Marked = defineWorkChain({
  name: 'Marked',
  spec: { outputs: { done: output(t.boolean) } },
  steps: {
    mark: () => checkpoint('mark'),
    finish: () => out('done', true),
  },
  outline: (s) => [s.mark, s.finish],
})

/** An in-memory store that refuses, for good, the checkpoints tagged 'mark'. */
class MarkRefusingStore extends InMemoryPersister {
  override async saveCheckpoint(bundle: Bundle, tag?: string): Promise<void> {
    if (tag === 'mark') throw new Error('value too long for the column')
    await super.saveCheckpoint(bundle, tag)
  }
}

/** Runs `Marked` on a runner in `durability`; its outcome, the store and the log. */
const runMarked = async (
  durability: Durability,
  checkpoints: 'every-transition' | 'on-request',
) => {
  const store = new MarkRefusingStore()
  const { lines, logger } = recordingLogger()
  const runner = quietRunner({ persister: store, checkpoints, durability, logger })
  const process = Marked.create(undefined, { runner, pid: `marked-${durability}` })
  const outcome = await process.execute().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  await runner.flush()
  await turns()
  return { process, outcome, store, lines }
}

describe('a checkpoint a step asks for, refused by the store', () => {
  for (const checkpoints of ['every-transition', 'on-request'] as const)
    it(`strict (${checkpoints}): fails the process before its next step`, async () => {
      const { process, outcome } = await runMarked('strict', checkpoints)
      const error = (outcome as { error?: unknown }).error
      expect(error).toBeInstanceOf(CheckpointNotCommittedError)
      expect(error).toMatchObject({ pid: 'marked-strict', at: 'step' })
      expect((error as Error).message).toBe(
        'the checkpoint of marked-strict was not committed (value too long for the column): ' +
          'a strict process does not step on past it',
      )
      expect(process.state).toBe('EXCEPTED')
      expect(process.outputs).toEqual({}) // `finish` never ran
      expect(unhandled).toEqual([])
    })

  it('strict: the store keeps the failure, not a process that stepped on', async () => {
    const { store } = await runMarked('strict', 'every-transition')
    const stored = await store.loadCheckpoint('marked-strict')
    expect(stored.snapshot.state._tag).toBe('EXCEPTED')
    expect(stored.snapshot.outputs).toEqual({})
  })

  for (const durability of ['batched', 'async'] as const)
    it(`${durability}: logs the failure and runs on`, async () => {
      const { outcome, lines } = await runMarked(durability, 'every-transition')
      expect(outcome).toEqual({ value: { done: true } })
      expect(lines).toContain(
        `error: checkpoint of marked-${durability} failed: Error: value too long for the column`,
      )
      expect(unhandled).toEqual([])
    })
})
