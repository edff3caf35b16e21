/**
 * A resume sent before the process waits for one is kept in its inbox (checkpointed at once, as
 * a kept signal is) and taken by the next wait for a resume; its value is checked as JSON where
 * it enters, and by the wait's codec (or a `Wait(step)`'s declared arguments) when that wait
 * starts, where a refusal fails the step loudly.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { CheckpointError } from '../../lib/checkpoint/errors.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { processControl } from '../../lib/comms/process-control.js'
import { Wait, waitForSignal } from '../../lib/commands/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { step } from '../../lib/process/declare-step.js'
import { defineProcess } from '../../lib/runtime/define.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { quietRunner } from './helpers.js'
import { Note, Verdict } from './signal-fixtures.js'
import { GatedStore } from './gated-store.js'

/** Waits for a note, then `Wait`s for `decide`, which declares one string argument. */
const Decision = defineProcess({
  name: 'Decision',
  steps: {
    *run() {
      yield* waitForSignal(Note)
      return Wait('decide')
    },
    decide: step({ args: t.tuple([t.string]) }, (_ctx, { args }) => `decided ${args[0]}`),
  },
})

describe('a resume that comes before the wait for it', () => {
  it('is kept while the process waits on something else, and taken by the wait for a resume', async () => {
    const review = Verdict.create({ notes: 1 }, { runner: quietRunner() })
    const done = review.execute()
    review.resume('yes')
    expect(review.state).toBe('WAITING')
    expect(review.snapshot.inbox).toEqual([{ payload: 'yes' }])
    review.resume('no') // kept once: the same request again
    expect(review.snapshot.inbox).toEqual([{ payload: 'yes' }])
    review.signal(Note, 'read it')
    await expect(done).resolves.toEqual({ verdict: 'yes' })
  })

  it('is checkpointed at once, and a process loaded from that checkpoint gets it when it waits', async () => {
    const store = new InMemoryPersister()
    const runner = quietRunner({ persister: store, checkpoints: 'every-transition' })
    const first = Verdict.create({ notes: 1 }, { runner, pid: 'kept-resume' })
    void first.stepUntilTerminated()
    await runner.flush()
    first.resume('approved')
    await runner.flush()
    expect((await store.loadCheckpoint('kept-resume')).snapshot.inbox).toEqual([
      { payload: 'approved' },
    ])
    // The runner is gone (a crash): another loads the process, which gets the note.
    const again = await loadProcess(
      quietRunner({ persister: store }),
      store,
      DefinitionRegistry.of(Verdict),
      'kept-resume',
    )
    expect(again.snapshot.inbox).toEqual([{ payload: 'approved' }])
    const done = again.stepUntilTerminated()
    again.signal(Note, 'now')
    await done
    expect(again.outputs).toEqual({ verdict: 'approved' })
  })

  it("fails the step loudly when the wait's codec refuses the kept value", async () => {
    const review = Verdict.create({ notes: 1 }, { runner: quietRunner() })
    const done = review.execute()
    review.resume(5) // nothing to check it by yet: kept
    review.signal(Note, 'read it')
    await expect(done).rejects.toThrow(
      /the resume value does not decode with string: value: expected string, got 5/,
    )
    expect(review.state).toBe('EXCEPTED')
  })

  it("fails the resumed step loudly when a Wait(step)'s declared arguments refuse it", async () => {
    const decision = Decision.create(undefined, { runner: quietRunner() })
    const done = decision.execute()
    decision.resume(5)
    decision.signal(Note, 'read it')
    await expect(done).rejects.toMatchObject({
      name: 'InvalidResumeArgumentsError',
      message: expect.stringMatching(
        /Decision\.decide refuses the arguments the kept resume gave it: args\.0: expected string, got 5/,
      ),
    })
  })

  it('runs a Wait(step) with a kept value its declared arguments take', async () => {
    const decision = Decision.create(undefined, { runner: quietRunner() })
    const done = decision.execute()
    decision.resume('so')
    decision.signal(Note, 'read it')
    await done
    expect(decision.result()).toBe('decided so')
  })

  it('is checked as JSON where it enters on a runner that checkpoints, whatever the state', () => {
    const runner = quietRunner({
      persister: new InMemoryPersister(),
      checkpoints: 'every-transition',
    })
    const review = Verdict.create({ notes: 1 }, { runner })
    expect(() => review.resume({ at: new Map() })).toThrow(CheckpointError)
    expect(review.snapshot.inbox).toBeUndefined()
  })
})

describe('a resume sent through a controller', () => {
  const overCommunicator = async (durability: Durability) => {
    const store = new GatedStore()
    const runner = quietRunner({ persister: store, checkpoints: 'every-transition', durability })
    const communicator = new LocalCommunicator({ logger: silentLogger })
    try {
      const control = processControl(communicator, { logger: silentLogger })
      runner.use(control)
      const review = Verdict.create({ notes: 1 }, { runner, pid: `resumed-${durability}` })
      const done = review.stepUntilTerminated()
      await control.reachable(review.pid)
      await runner.flush()
      store.hold()
      const controller = new RemoteProcessController(communicator)
      let answered = false
      const sent = controller.resume(review.pid, 'remote').then((accepted) => {
        answered = accepted
      })
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
      const answeredBeforeCommit = answered
      expect(review.snapshot.inbox).toEqual([{ payload: 'remote' }])
      store.letThrough()
      await sent
      expect(answered).toBe(true)
      expect((await store.loadCheckpoint(review.pid)).snapshot.inbox).toEqual([
        { payload: 'remote' },
      ])
      review.signal(Note, 'read it')
      await done
      expect(review.outputs).toEqual({ verdict: 'remote' })
      return answeredBeforeCommit
    } finally {
      await communicator.close()
    }
  }

  it('is acknowledged only once the checkpoint keeping it is committed, in strict and batched modes', async () => {
    expect(await overCommunicator('strict')).toBe(false)
    expect(await overCommunicator('batched')).toBe(false)
  })

  it('is acknowledged at once in async mode, which promises nothing of the kind', async () => {
    expect(await overCommunicator('async')).toBe(true)
  })
})
