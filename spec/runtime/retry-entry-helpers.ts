/**
 * Helpers for the tests of retried entries: a runner on a `TestClock`, the event loop turned
 * until something holds, the entry in a slot, and a process saved while it backs off and loaded
 * again on another runner.
 */
import { bundle } from '../../lib/checkpoint/bundle.js'
import type { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import type { Pending } from '../../lib/process/state.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { TestClock } from '../../lib/testing/test-clock.js'
import { quietRunner } from './helpers.js'

/** When the tests start: 2026-03-01T00:00:00Z. */
export const START = Date.parse('2026-03-01T00:00:00Z')

/** A failure that may be retried. */
export class Flake extends Error {
  override readonly name = 'Flake'
}

/** Turn the event loop until `done()` holds (tasks and children settle on later turns). */
export const until = async (done: () => boolean): Promise<void> => {
  for (let turn = 0; turn < 200 && !done(); turn++)
    await new Promise((resolve) => setImmediate(resolve))
}

/** A quiet runner on a `TestClock` at `start`. */
export const onTestClock = (start = START) => {
  const clock = new TestClock(start)
  return { clock, runner: quietRunner({ clock }) }
}

/** What the process waits on under `key`, if it waits. */
export const pendingOf = (process: ProcessHandle, key: string): Pending | undefined => {
  const state = process.snapshot.state
  return state._tag === 'WAITING' ? state.awaiting.find((p) => p.key === key) : undefined
}

/** Whether the entry under `key` backs off. */
export const backingOff = (process: ProcessHandle, key: string) => () =>
  pendingOf(process, key)?.retry?.deadline !== undefined

/** Save a process backing off on `key`, and load it on a runner whose clock starts at `at`. */
export const reloadBackingOff = async (
  process: ProcessHandle,
  key: string,
  registry: DefinitionRegistry,
  at: number,
) => {
  await until(backingOff(process, key))
  const persister = new InMemoryPersister()
  await persister.saveCheckpoint(bundle(process))
  const { clock, runner } = onTestClock(at)
  return { clock, reloaded: await loadProcess(runner, persister, registry, process.pid) }
}
