/**
 * A generator step logs each line once: reloaded in the middle of the step, the part its journal
 * replays does not reach the runner's logger again (plumpy's `self.logger`, as a yielded command).
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { log, waitForResume } from '../../lib/commands/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { defineProcess } from '../../lib/runtime/define.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { quietRunner, recordingLogger, turns } from './helpers.js'

/** Logs around two waits; the first wait checks its value with a codec, the second does not. */
const Chatty = defineProcess({
  name: 'Chatty',
  steps: {
    *talk() {
      yield* log.info('before the first wait')
      const a = yield* waitForResume(t.number)
      yield* log.warn(`got ${a}`)
      const b = (yield* waitForResume()) as number
      yield* log.info(`got ${b}, done`)
      return a + b
    },
  },
})

const registry = DefinitionRegistry.of(Chatty)

/** Saves `process`, loads it on a new runner whose log lines are recorded. */
const reloaded = async (process: ProcessHandle) => {
  const persister = new InMemoryPersister()
  await persister.saveCheckpoint(bundle(process))
  const { lines, logger } = recordingLogger()
  const runner = quietRunner({ logger, persister })
  const loaded = await loadProcess(runner, persister, registry, process.pid)
  return { lines, loaded }
}

describe('a generator step reloaded mid-step', () => {
  it('logs each line once, with the pid and the step: the replayed part is not logged again', async () => {
    const { lines, logger } = recordingLogger()
    const first = Chatty.create({}, { runner: quietRunner({ logger }), pid: 'p1' })
    void first.stepUntilTerminated()
    await turns()
    first.resume(1)
    // Saved RUNNING, the step about to go on with the answer in its journal: the reloaded
    // process runs the generator again from the start of the step, replaying the first part.
    expect(first.snapshot.state).toMatchObject({ _tag: 'RUNNING', position: { step: 'talk' } })
    const second = await reloaded(first)
    await turns()
    expect(lines).toEqual([
      'info: Chatty p1 talk: before the first wait',
      'warn: Chatty p1 talk: got 1',
    ])

    const done = second.loaded.execute()
    await turns()
    expect(second.loaded.state).toBe('WAITING')
    expect(second.lines).toEqual(['warn: Chatty p1 talk: got 1'])
    second.loaded.resume(2)
    await done
    expect(second.loaded.result()).toBe(3)
    expect(second.lines).toEqual([
      'warn: Chatty p1 talk: got 1',
      'info: Chatty p1 talk: got 2, done',
    ])
  })

  it('logs nothing again when a resume checked by a codec replays the step to find its codec', async () => {
    const first = Chatty.create({}, { runner: quietRunner(), pid: 'p2' })
    void first.stepUntilTerminated()
    await turns()
    // Reloaded at the first suspension: `resume` rebuilds the generator to check the value.
    const { lines, loaded } = await reloaded(first)
    const done = loaded.execute()
    expect(() => loaded.resume('one')).toThrow(/refused the resume value/)
    loaded.resume(1)
    await turns()
    expect(lines).toEqual(['warn: Chatty p2 talk: got 1'])
    loaded.resume(5)
    await done
    expect(lines).toEqual(['warn: Chatty p2 talk: got 1', 'info: Chatty p2 talk: got 5, done'])
  })
})
