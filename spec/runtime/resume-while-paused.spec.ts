/**
 * `resume(value)` on a paused WAITING process: it stays WAITING (and paused) with the value kept
 * in its snapshot; `play()` then runs the continuation with that value. Through the runtime,
 * through `driveDefinition`, and across a checkpoint saved while paused.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { CheckpointCodec } from '../../lib/checkpoint/codec.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { Wait, out, pause, waitForResume } from '../../lib/commands/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { driveDefinition } from '../../lib/testing/drive.js'
import { quietRunner, recordingListener, turns } from './helpers.js'

/** Waits for a plain `Wait`: the resume value becomes the next step's argument. */
const PlainWaiter = defineProcess({
  name: 'PlainWaiter',
  spec: { outputs: { got: output(t.unknown) } },
  steps: {
    run: () => Wait('done', 'a value, please'),
    done: (_ctx, { args }) => out('got', args[0]),
  },
})

/** Waits inside a generator step: the resume value is what `yield*` gives. */
const GeneratorWaiter = defineProcess({
  name: 'GeneratorWaiter',
  spec: { outputs: { got: output(t.number) } },
  steps: {
    *run() {
      const n = yield* waitForResume(t.number, 'a number, please')
      yield* out('got', n * 2)
    },
  },
})

/** Asks for its own pause, then waits: it stops WAITING and paused, as the driver sees it. */
const PausingWaiter = defineProcess({
  name: 'PausingWaiter',
  spec: { outputs: { got: output(t.unknown) } },
  steps: {
    *run() {
      yield* pause('a break')
      return Wait('done')
    },
    done: (_ctx, { args }) => out('got', args[0]),
  },
})

const registry = DefinitionRegistry.of(PlainWaiter, GeneratorWaiter)

describe('resume on a paused WAITING process', () => {
  it('keeps it WAITING; play() runs the continuation with the value', async () => {
    const { heard, listener } = recordingListener()
    const process = PlainWaiter.create({}, { runner: quietRunner(), listeners: [listener] })
    const done = process.execute()
    await turns()
    expect(process.state).toBe('WAITING')
    expect(await process.pause('held')).toBe(true)
    heard.length = 0
    process.resume('the value')
    await turns()
    expect([process.state, process.paused, process.status]).toEqual(['WAITING', true, 'held'])
    expect(heard).toEqual([])
    // Resume is idempotent: the first value stands.
    process.resume('another value')
    expect(process.play()).toBe(true)
    expect(await done).toEqual({ got: 'the value' })
    expect(heard.slice(0, 2)).toEqual(['played', 'running RUNNING'])
  })

  it('gives a generator suspended in waitForResume the value once played', async () => {
    const process = GeneratorWaiter.create({}, { runner: quietRunner() })
    const done = process.execute()
    await turns()
    await process.pause()
    process.resume(21)
    await turns()
    expect([process.state, process.paused]).toEqual(['WAITING', true])
    process.play()
    expect(await done).toEqual({ got: 42 })
  })

  it('keeps the value across a checkpoint saved while paused', async () => {
    for (const [definition, value, expected] of [
      [PlainWaiter, { deep: [1, 'two'] }, { got: { deep: [1, 'two'] } }],
      [GeneratorWaiter, 5, { got: 10 }],
    ] as const) {
      const persister = new InMemoryPersister()
      const first = definition.create({}, { runner: quietRunner({ persister }) })
      void first.stepUntilTerminated()
      await turns()
      await first.pause()
      first.resume(value)
      await persister.saveCheckpoint(bundle(first))
      const saved = await persister.loadCheckpoint(first.pid)
      expect(CheckpointCodec.encode(saved)).toMatchObject({
        state: 'WAITING',
        paused: true,
        resumedWith: { value },
      })
      const loaded = await loadProcess(quietRunner({ persister }), persister, registry, first.pid)
      expect([loaded.state, loaded.paused]).toEqual(['WAITING', true])
      const done = loaded.execute()
      await turns()
      expect(loaded.state).toBe('WAITING')
      loaded.play()
      expect(await done).toEqual(expected)
    }
  })
})

describe('driveDefinition with resumes for a paused process', () => {
  it('resumes it while paused: it stays WAITING until played', () => {
    const held = driveDefinition(PausingWaiter, {}, { resumes: ['later'] })
    expect([held.state, held.stopped]).toEqual(['WAITING', 'paused'])
    expect(held.snapshot.state).toMatchObject({ resumedWith: { value: 'later' } })
    expect(held.outputs).toEqual({})

    const played = driveDefinition(PausingWaiter, {}, { resumes: ['later'], playPaused: true })
    expect([played.state, played.outputs]).toEqual(['FINISHED', { got: 'later' }])
    const events = played.events.map((event) => event._tag)
    expect(events.slice(events.indexOf('waiting'))).toEqual([
      'waiting',
      'paused',
      'played',
      'running',
      'outputEmitted',
      'finished',
    ])
  })
})
